-- creator_performance: public analytics, each creator's videos, views and scores over the weeks
-- (the unmanaged model CreatorPerformance, served by the analytics API in trending/apis.py).
-- `security_invoker`, so that hidden videos and creators stay hidden. Each video counts once
-- (its latest views), however many crawls listed it; weeks_seen counts those crawls.
CREATE OR REPLACE VIEW creator_performance WITH (security_invoker = true) AS
    SELECT c.id AS creator_id, c.creator_name, c.channel_id, c.subscriber_count,
           count(v.id)::integer AS videos,
           coalesce(sum(v.views), 0)::bigint AS total_views,
           coalesce(round(avg(v.views)), 0)::bigint AS average_views,
           coalesce(round(avg(v.engagement_score), 2), 0)::numeric(5, 2) AS average_score,
           (SELECT count(DISTINCT w.crawl_id) FROM top_video_weeks w
            JOIN top_videos listed ON listed.id = w.video_id
            WHERE listed.creator_id = c.id)::integer AS weeks_seen
    FROM creators c
    LEFT JOIN top_videos v ON v.creator_id = c.id
    GROUP BY c.id;
GRANT SELECT ON creator_performance TO anon, authenticated, service_role;
