-- grid_content: every piece of content a grid item or an engagement event may point at. One row
-- per trending topic, top video and editorial item, with the title a tile shows, the base score
-- it was imported with and its tags. `security_invoker`, so a caller sees only the content
-- row-level security lets them see (anonymous readers: active content only). Read by the
-- engagement app (engagement_sentiment_7d, the event checks of engagement/triggers.py, engagement_record()).
CREATE OR REPLACE VIEW grid_content WITH (security_invoker = true) AS
    SELECT 'trending_topic'::varchar(32) AS content_type, id AS content_id, topic_name::varchar(500) AS title,
           engagement_score AS base_score, tags::text[] AS tags, is_active
    FROM trending_topics
    UNION ALL
    SELECT 'top_video', id, title, engagement_score, tags::text[], is_active
    FROM top_videos
    UNION ALL
    SELECT kind, id, title, 0::numeric(5, 2), tags::text[], is_active
    FROM editorial_items;
GRANT SELECT ON grid_content TO anon, authenticated, service_role;
