"""Trending SQL: `calculate_trending_topics()`, the read-only analytics views, the alerts' RLS.

- `calculate_trending_topics(as_of)`: the top 5 active topics seen in the 7 days up to
  `as_of` (today by default), by score then recency, ranked 1..5. Runs with the caller's rights.
- `trending_topics_by_week`, `creator_performance`: public analytics, `security_invoker` so
  that hidden topics, videos and creators stay hidden.
- `trending_alerts`: the import (admin) appends alerts; the service role delivers them; admins
  and auditors read them.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION calculate_trending_topics(as_of date DEFAULT current_date)
RETURNS TABLE (
    rank integer, topic_id bigint, topic_slug varchar, topic_name varchar,
    engagement_score numeric, mention_count integer, last_seen_week date
)
LANGUAGE sql STABLE AS $$
    SELECT row_number() OVER (ORDER BY t.engagement_score DESC, t.last_seen_week DESC, t.id DESC)::integer,
           t.id, t.topic_slug, t.topic_name, t.engagement_score, t.mention_count, t.last_seen_week
    FROM trending_topics t
    WHERE t.is_active AND t.last_seen_week > as_of - 7 AND t.last_seen_week <= as_of
    ORDER BY t.engagement_score DESC, t.last_seen_week DESC, t.id DESC
    LIMIT 5
$$;
GRANT EXECUTE ON FUNCTION calculate_trending_topics(date) TO anon, authenticated, service_role;
CREATE INDEX trending_topics_active_recent ON trending_topics (last_seen_week DESC, engagement_score DESC)
    WHERE is_active;

CREATE VIEW trending_topics_by_week WITH (security_invoker = true) AS
    SELECT r.week_of, w.rank, t.topic_slug, t.topic_name, w.engagement_score
    FROM trending_topic_weeks w
    JOIN weekly_reports r ON r.id = w.report_id
    JOIN trending_topics t ON t.id = w.topic_id;
GRANT SELECT ON trending_topics_by_week TO anon, authenticated, service_role;

CREATE VIEW creator_performance WITH (security_invoker = true) AS
    SELECT c.id AS creator_id, c.creator_name, c.channel_id, c.subscriber_count,
           count(DISTINCT v.id)::integer AS videos,
           coalesce(sum(v.views), 0)::bigint AS total_views,
           coalesce(round(avg(v.views)), 0)::bigint AS average_views,
           coalesce(round(avg(v.engagement_score), 2), 0)::numeric(5, 2) AS average_score,
           count(DISTINCT w.crawl_id)::integer AS weeks_seen
    FROM creators c
    LEFT JOIN top_videos v ON v.creator_id = c.id
    LEFT JOIN top_video_weeks w ON w.video_id = v.id
    GROUP BY c.id;
GRANT SELECT ON creator_performance TO anon, authenticated, service_role;

ALTER TABLE trending_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE trending_alerts FORCE ROW LEVEL SECURITY;
REVOKE ALL ON trending_alerts FROM anon, authenticated, service_role;
GRANT SELECT, INSERT ON trending_alerts TO authenticated;
GRANT SELECT, INSERT, UPDATE ON trending_alerts TO service_role;
CREATE POLICY trending_alerts_select_staff ON trending_alerts FOR SELECT TO authenticated
    USING ((SELECT app_private.is_staff()));
CREATE POLICY trending_alerts_insert_admin ON trending_alerts FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY trending_alerts_service ON trending_alerts FOR ALL TO service_role
    USING (true) WITH CHECK (true);
"""

DROP = """
DROP POLICY trending_alerts_service ON trending_alerts;
DROP POLICY trending_alerts_insert_admin ON trending_alerts;
DROP POLICY trending_alerts_select_staff ON trending_alerts;
REVOKE ALL ON trending_alerts FROM anon, authenticated, service_role;
ALTER TABLE trending_alerts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE trending_alerts DISABLE ROW LEVEL SECURITY;
DROP VIEW creator_performance;
DROP VIEW trending_topics_by_week;
DROP INDEX trending_topics_active_recent;
DROP FUNCTION calculate_trending_topics(date);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("trending", "0004_trending_alerts"),
        ("carnivore", "0002_database_roles"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
