-- creator_performance: public analytics, each creator's videos, views and scores over the weeks
-- (the unmanaged model CreatorPerformance, served by the analytics API in trending/apis.py).
-- `security_invoker`, so that hidden videos and creators stay hidden.
CREATE OR REPLACE VIEW creator_performance WITH (security_invoker = true) AS
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
