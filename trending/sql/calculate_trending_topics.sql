-- calculate_trending_topics(as_of): the top 5 active topics seen in the 7 days up to `as_of`
-- (today by default), by score then recency, ranked 1..5. Runs with the caller's rights, so
-- row-level security on trending_topics applies. Public: any API role may call it (the tests and
-- bench/grid_api.py do). The partial index trending_topics_active_recent serves it.
CREATE OR REPLACE FUNCTION calculate_trending_topics(as_of date DEFAULT current_date)
RETURNS TABLE (
    rank integer, topic_id bigint, topic_slug varchar, topic_name varchar,
    engagement_score numeric, mention_count integer, last_seen_week date
)
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT row_number() OVER (ORDER BY t.engagement_score DESC, t.last_seen_week DESC, t.id DESC)::integer,
           t.id, t.topic_slug, t.topic_name, t.engagement_score, t.mention_count, t.last_seen_week
    FROM trending_topics t
    WHERE t.is_active AND t.last_seen_week > as_of - 7 AND t.last_seen_week <= as_of
    ORDER BY t.engagement_score DESC, t.last_seen_week DESC, t.id DESC
    LIMIT 5
$$;
GRANT EXECUTE ON FUNCTION calculate_trending_topics(date) TO anon, authenticated, service_role;
