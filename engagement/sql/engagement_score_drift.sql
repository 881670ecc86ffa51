-- engagement_score_drift(): every figure that differs from a recount of the raw events, one row
-- per figure. Each grid item is recounted as of the hour it was scored for (`scored_at`): the
-- all-time counts, the 24-hour and 7-day sums, the display engagement_score and sentiment, and
-- reader_weight_7d from the events' distinct (reader, kind, hour stored) votes; then each
-- hourly rollup against the events of its hour, readers' votes included. Only the events the rollup has taken
-- are recounted: those of the transactions below its watermark, and those it noted in
-- engagement_rollup_ahead. An event whose transaction commits after the rollup's last run is not
-- drift but waiting (the doctor's rollup check watches how long), so a recount under live writes
-- compares like with like; an event below the watermark that no run counted is drift. Callers
-- run engagement_rollup_drain first (engagement.selectors.engagement_score_drift does), so that
-- every committed event is covered. Reads every event: a verification, not a hot path. Used by
-- `manage.py verify_scores`, the doctor and the benchmarks; only the service role may run it.
CREATE OR REPLACE FUNCTION public.engagement_score_drift()
RETURNS TABLE (
    grid_item_id bigint, content_type varchar, content_id bigint, figure text,
    stored numeric, recounted numeric
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
    WITH watermark AS (
        SELECT coalesce((SELECT s.next_xid FROM public.engagement_rollup_state s WHERE s.id = 1),
                        '0'::xid8) AS next_xid
    ), events AS (
        SELECT e.content_type, e.content_id, e.created_at, e.interaction_type, e.sentiment,
               coalesce(e.user_id, e.reader_key) AS reader_key,
               date_trunc('hour', e.created_at, 'UTC') AS hour,
               date_trunc('hour', e.inserted_at, 'UTC') AS vote_hour,
               public.engagement_vote_kind(e.interaction_type, e.sentiment) AS vote_kind
        FROM public.content_engagement e, watermark w
        WHERE e.insert_xid < w.next_xid
           OR EXISTS (SELECT 1 FROM public.engagement_rollup_ahead a
                      WHERE a.xid = e.insert_xid AND e.id <= a.counted_id)
    ), votes AS (
        SELECT DISTINCT v.content_type, v.content_id, v.vote_hour AS hour, v.vote_kind,
                        v.reader_key
        FROM events v WHERE v.vote_kind IS NOT NULL
    ), item_events AS (
        SELECT g.id, g.content_type, g.content_id, g.scored_at,
               count(e.*) FILTER (WHERE e.interaction_type = 'view') AS views_all,
               count(e.*) FILTER (WHERE e.interaction_type = 'share') AS shares_all,
               count(e.*) FILTER (WHERE e.interaction_type = 'bookmark') AS bookmarks_all,
               count(e.*) FILTER (WHERE e.hour > g.scored_at - interval '24 hours' AND e.hour <= g.scored_at) AS events_24h,
               count(e.*) FILTER (WHERE e.interaction_type = 'view' AND e.hour > g.scored_at - interval '24 hours' AND e.hour <= g.scored_at) AS views_24h,
               count(e.*) FILTER (WHERE e.interaction_type = 'share' AND e.hour > g.scored_at - interval '24 hours' AND e.hour <= g.scored_at) AS shares_24h,
               count(e.*) FILTER (WHERE e.interaction_type = 'bookmark' AND e.hour > g.scored_at - interval '24 hours' AND e.hour <= g.scored_at) AS bookmarks_24h,
               count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.hour > g.scored_at - interval '24 hours' AND e.hour <= g.scored_at) AS positive_24h,
               count(e.*) FILTER (WHERE e.hour > g.scored_at - interval '168 hours' AND e.hour <= g.scored_at) AS events_7d,
               count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.hour > g.scored_at - interval '168 hours' AND e.hour <= g.scored_at) AS positive_7d
        FROM public.bento_grid_items g
        LEFT JOIN events e ON e.content_type = g.content_type AND e.content_id = g.content_id
        GROUP BY g.id
    ), item_votes AS (
        SELECT g.id, public.grid_rank_reader_weight(
                   count(*) FILTER (WHERE v.vote_kind = 'view'),
                   count(*) FILTER (WHERE v.vote_kind = 'click'),
                   count(*) FILTER (WHERE v.vote_kind = 'share'),
                   count(*) FILTER (WHERE v.vote_kind = 'bookmark'),
                   count(*) FILTER (WHERE v.vote_kind = 'comment'),
                   count(*) FILTER (WHERE v.vote_kind = 'positive'),
                   count(*) FILTER (WHERE v.vote_kind = 'negative')) AS reader_weight_7d
        FROM public.bento_grid_items g
        JOIN votes v ON v.content_type = g.content_type AND v.content_id = g.content_id
                    AND v.hour > g.scored_at - interval '168 hours' AND v.hour <= g.scored_at
        GROUP BY g.id
    )
    SELECT g.id, g.content_type, g.content_id, f.figure, f.stored, f.recounted
    FROM public.bento_grid_items g
    JOIN item_events r ON r.id = g.id
    LEFT JOIN item_votes w ON w.id = g.id
    CROSS JOIN LATERAL (VALUES
        ('view_count', g.view_count::numeric, r.views_all::numeric),
        ('share_count', g.share_count::numeric, r.shares_all::numeric),
        ('bookmark_count', g.bookmark_count::numeric, r.bookmarks_all::numeric),
        ('events_24h', g.events_24h::numeric, r.events_24h::numeric),
        ('views_24h', g.views_24h::numeric, r.views_24h::numeric),
        ('shares_24h', g.shares_24h::numeric, r.shares_24h::numeric),
        ('bookmarks_24h', g.bookmarks_24h::numeric, r.bookmarks_24h::numeric),
        ('positive_24h', g.positive_24h::numeric, r.positive_24h::numeric),
        ('events_7d', g.events_7d::numeric, r.events_7d::numeric),
        ('positive_7d', g.positive_7d::numeric, r.positive_7d::numeric),
        ('reader_weight_7d', g.reader_weight_7d::numeric, coalesce(w.reader_weight_7d, 0)::numeric),
        ('engagement_score', g.engagement_score,
         public.engagement_score_formula(r.views_24h, r.shares_24h, r.bookmarks_24h, r.positive_24h, r.events_24h)),
        ('positive_sentiment_percent', g.positive_sentiment_percent,
         public.engagement_sentiment_percent(r.positive_7d, r.events_7d))
    ) AS f (figure, stored, recounted)
    WHERE f.stored IS DISTINCT FROM f.recounted
    UNION ALL
    SELECT NULL, coalesce(r.content_type, e.content_type), coalesce(r.content_id, e.content_id),
           'rollup ' || to_char(coalesce(r.hour, e.hour) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00'),
           coalesce(r.events, 0), coalesce(e.events, 0)
    FROM public.engagement_rollups r
    FULL JOIN (
        SELECT x.content_type, x.content_id, x.hour, count(*) AS events,
               count(*) FILTER (WHERE x.sentiment = 'positive') AS positive,
               count(*) FILTER (WHERE x.interaction_type = 'view') AS views
        FROM events x GROUP BY 1, 2, 3
    ) e ON e.content_type = r.content_type AND e.content_id = r.content_id AND e.hour = r.hour
    -- A rollup may hold readers' votes of an hour in which none of its events happened.
    WHERE coalesce(r.events, 0) <> coalesce(e.events, 0)
       OR coalesce(r.positive, 0) <> coalesce(e.positive, 0)
       OR coalesce(r.views, 0) <> coalesce(e.views, 0)
    UNION ALL
    SELECT NULL, r.content_type, r.content_id,
           'rollup readers ' || to_char(r.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00'),
           (r.reader_views + r.reader_clicks + r.reader_shares + r.reader_bookmarks
            + r.reader_comments + r.reader_positive + r.reader_negative)::numeric,
           coalesce(v.votes, 0)::numeric
    FROM public.engagement_rollups r
    LEFT JOIN (SELECT x.content_type, x.content_id, x.hour, count(*) AS votes FROM votes x GROUP BY 1, 2, 3) v
           ON v.content_type = r.content_type AND v.content_id = r.content_id AND v.hour = r.hour
    WHERE (r.reader_views + r.reader_clicks + r.reader_shares + r.reader_bookmarks
           + r.reader_comments + r.reader_positive + r.reader_negative) IS DISTINCT FROM coalesce(v.votes, 0)
$$;
REVOKE ALL ON FUNCTION public.engagement_score_drift() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_score_drift() TO service_role;
