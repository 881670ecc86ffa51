-- engagement_score_drift(): every figure that differs from a recount of the raw events. Recounts
-- every figure from the raw events, each item as of the hour it was scored for, and returns one
-- row per figure that differs; then the rollups themselves against the events of their hour.
-- Reads every event: a verification, not a hot path. Used by
-- engagement.selectors.engagement_score_drift (`manage.py verify_scores`, the doctor) and the
-- benchmarks; only the service role may execute it.
CREATE OR REPLACE FUNCTION engagement_score_drift()
RETURNS TABLE (
    grid_item_id bigint, content_type varchar, content_id bigint, figure text,
    stored numeric, recounted numeric
)
LANGUAGE sql STABLE AS $$
    WITH recount AS (
        SELECT g.id, g.content_type, g.content_id,
               g.view_count, g.share_count, g.bookmark_count,
               g.engagement_score, g.positive_sentiment_percent, g.events_24h,
               count(e.*) FILTER (WHERE e.interaction_type = 'view') AS views_all,
               count(e.*) FILTER (WHERE e.interaction_type = 'share') AS shares_all,
               count(e.*) FILTER (WHERE e.interaction_type = 'bookmark') AS bookmarks_all,
               g.views_24h, g.shares_24h, g.bookmarks_24h, g.positive_24h, g.events_7d, g.positive_7d,
               count(e.*) FILTER (WHERE e.created_at >= g.scored_at - interval '23 hours'
                                    AND e.created_at < g.scored_at + interval '1 hour') AS events_day,
               count(e.*) FILTER (WHERE e.interaction_type = 'view' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour') AS views_day,
               count(e.*) FILTER (WHERE e.interaction_type = 'share' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour') AS shares_day,
               count(e.*) FILTER (WHERE e.interaction_type = 'bookmark' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour') AS bookmarks_day,
               count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour') AS positive_day,
               count(e.*) FILTER (WHERE e.created_at >= g.scored_at - interval '167 hours' AND e.created_at < g.scored_at + interval '1 hour') AS events_week,
               count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.created_at >= g.scored_at - interval '167 hours' AND e.created_at < g.scored_at + interval '1 hour') AS positive_week,
               engagement_score_formula(
                   count(e.*) FILTER (WHERE e.interaction_type = 'view' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.interaction_type = 'share' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.interaction_type = 'bookmark' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour')
               ) AS score_day,
               engagement_sentiment_percent(
                   count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.created_at >= g.scored_at - interval '167 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.created_at >= g.scored_at - interval '167 hours' AND e.created_at < g.scored_at + interval '1 hour')
               ) AS sentiment_week
        FROM bento_grid_items g
        LEFT JOIN content_engagement e
               ON e.content_type = g.content_type AND e.content_id = g.content_id
        GROUP BY g.id
    )
    SELECT id, content_type, content_id, figure, stored, recounted
    FROM recount,
         LATERAL (VALUES
             ('view_count', view_count::numeric, views_all::numeric),
             ('share_count', share_count::numeric, shares_all::numeric),
             ('bookmark_count', bookmark_count::numeric, bookmarks_all::numeric),
             ('events_24h', events_24h::numeric, coalesce(events_day, 0)::numeric),
             ('views_24h', views_24h::numeric, coalesce(views_day, 0)::numeric),
             ('shares_24h', shares_24h::numeric, coalesce(shares_day, 0)::numeric),
             ('bookmarks_24h', bookmarks_24h::numeric, coalesce(bookmarks_day, 0)::numeric),
             ('positive_24h', positive_24h::numeric, coalesce(positive_day, 0)::numeric),
             ('events_7d', events_7d::numeric, coalesce(events_week, 0)::numeric),
             ('positive_7d', positive_7d::numeric, coalesce(positive_week, 0)::numeric),
             ('engagement_score', engagement_score, coalesce(score_day, 0)),
             ('positive_sentiment_percent', positive_sentiment_percent, coalesce(sentiment_week, 50))
         ) AS figures (figure, stored, recounted)
    WHERE stored IS DISTINCT FROM recounted
    UNION ALL
    -- the rollups themselves against the events of their hour
    SELECT NULL, coalesce(r.content_type, e.content_type), coalesce(r.content_id, e.content_id),
           'rollup ' || to_char(coalesce(r.hour, e.hour) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00'),
           coalesce(r.events, 0), coalesce(e.events, 0)
    FROM engagement_rollups r
    FULL JOIN (
        SELECT content_type, content_id, date_trunc('hour', created_at, 'UTC') AS hour, count(*) AS events,
               count(*) FILTER (WHERE sentiment = 'positive') AS positive,
               count(*) FILTER (WHERE interaction_type = 'view') AS views
        FROM content_engagement GROUP BY 1, 2, 3
    ) e ON e.content_type = r.content_type AND e.content_id = r.content_id AND e.hour = r.hour
    WHERE r.events IS DISTINCT FROM e.events OR r.positive IS DISTINCT FROM e.positive
       OR r.views IS DISTINCT FROM e.views
$$;
REVOKE ALL ON FUNCTION engagement_score_drift() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION engagement_score_drift() TO service_role;
