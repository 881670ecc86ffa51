-- trending_topics_by_week: public analytics, each topic's rank in each weekly report (the
-- unmanaged model TopicWeekRank, served by the analytics API in trending/apis.py).
-- `security_invoker`, so that hidden topics stay hidden.
CREATE OR REPLACE VIEW trending_topics_by_week WITH (security_invoker = true) AS
    SELECT r.week_of, w.rank, t.topic_slug, t.topic_name, w.engagement_score
    FROM trending_topic_weeks w
    JOIN weekly_reports r ON r.id = w.report_id
    JOIN trending_topics t ON t.id = w.topic_id;
GRANT SELECT ON trending_topics_by_week TO anon, authenticated, service_role;
