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
--
-- After retention (engagement_partition_detach) only the hours whose raw events are still held
-- are recounted: event counts from `events_held_from` on, readers' votes from `votes_held_from`
-- on (engagement_rollup_state). The hourly rollups of the earlier hours are the record of the
-- retired events: they stand in for them in the all-time counts and in any window that reaches
-- back that far, and are not themselves compared with anything.
CREATE OR REPLACE FUNCTION public.engagement_score_drift()
RETURNS TABLE (
    grid_item_id bigint, content_type varchar, content_id bigint, figure text,
    stored numeric, recounted numeric
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
    WITH state AS (
        SELECT coalesce(s.next_xid, '0'::xid8) AS next_xid,
               coalesce(s.events_held_from, '-infinity') AS events_from,
               coalesce(s.votes_held_from, '-infinity') AS votes_from
        FROM (SELECT 1) one
        LEFT JOIN public.engagement_rollup_state s ON s.id = 1
    ), counted AS (
        SELECT e.content_type, e.content_id, e.interaction_type, e.sentiment,
               coalesce(e.user_id, e.reader_key) AS reader_key,
               date_trunc('hour', e.created_at, 'UTC') AS hour,
               date_trunc('hour', e.inserted_at, 'UTC') AS vote_hour,
               public.engagement_vote_kind(e.interaction_type, e.sentiment) AS vote_kind
        FROM public.content_engagement e, state w
        WHERE e.insert_xid < w.next_xid
           OR EXISTS (SELECT 1 FROM public.engagement_rollup_ahead a
                      WHERE a.xid = e.insert_xid AND e.id <= a.counted_id)
    ), votes AS (
        SELECT DISTINCT v.content_type, v.content_id, v.vote_hour AS hour, v.vote_kind,
                        v.reader_key
        FROM counted v, state w WHERE v.vote_kind IS NOT NULL AND v.vote_hour >= w.votes_from
    ), held_hours AS (
        SELECT x.content_type, x.content_id, x.hour, count(*) AS events,
               count(*) FILTER (WHERE x.interaction_type = 'view') AS views,
               count(*) FILTER (WHERE x.interaction_type = 'share') AS shares,
               count(*) FILTER (WHERE x.interaction_type = 'bookmark') AS bookmarks,
               count(*) FILTER (WHERE x.sentiment = 'positive') AS positive
        FROM counted x, state w WHERE x.hour >= w.events_from GROUP BY 1, 2, 3
    ), hours AS (
        SELECT h.content_type, h.content_id, h.hour, h.events, h.views, h.shares, h.bookmarks,
               h.positive
        FROM held_hours h
        UNION ALL
        SELECT r.content_type, r.content_id, r.hour, r.events, r.views, r.shares, r.bookmarks,
               r.positive
        FROM public.engagement_rollups r, state w WHERE r.hour < w.events_from
    ), vote_hours AS (
        SELECT v.content_type, v.content_id, v.hour,
               count(*) FILTER (WHERE v.vote_kind = 'view') AS views,
               count(*) FILTER (WHERE v.vote_kind = 'click') AS clicks,
               count(*) FILTER (WHERE v.vote_kind = 'share') AS shares,
               count(*) FILTER (WHERE v.vote_kind = 'bookmark') AS bookmarks,
               count(*) FILTER (WHERE v.vote_kind = 'comment') AS comments,
               count(*) FILTER (WHERE v.vote_kind = 'positive') AS positive,
               count(*) FILTER (WHERE v.vote_kind = 'negative') AS negative
        FROM votes v GROUP BY 1, 2, 3
        UNION ALL
        SELECT r.content_type, r.content_id, r.hour, r.reader_views, r.reader_clicks,
               r.reader_shares, r.reader_bookmarks, r.reader_comments, r.reader_positive,
               r.reader_negative
        FROM public.engagement_rollups r, state w WHERE r.hour < w.votes_from
    ), item_events AS (
        SELECT g.id,
               coalesce(sum(h.views), 0)::bigint AS views_all,
               coalesce(sum(h.shares), 0)::bigint AS shares_all,
               coalesce(sum(h.bookmarks), 0)::bigint AS bookmarks_all,
               coalesce(sum(h.events) FILTER (WHERE h.hour > g.scored_at - interval '24 hours' AND h.hour <= g.scored_at), 0)::bigint AS events_24h,
               coalesce(sum(h.views) FILTER (WHERE h.hour > g.scored_at - interval '24 hours' AND h.hour <= g.scored_at), 0)::bigint AS views_24h,
               coalesce(sum(h.shares) FILTER (WHERE h.hour > g.scored_at - interval '24 hours' AND h.hour <= g.scored_at), 0)::bigint AS shares_24h,
               coalesce(sum(h.bookmarks) FILTER (WHERE h.hour > g.scored_at - interval '24 hours' AND h.hour <= g.scored_at), 0)::bigint AS bookmarks_24h,
               coalesce(sum(h.positive) FILTER (WHERE h.hour > g.scored_at - interval '24 hours' AND h.hour <= g.scored_at), 0)::bigint AS positive_24h,
               coalesce(sum(h.events) FILTER (WHERE h.hour > g.scored_at - interval '168 hours' AND h.hour <= g.scored_at), 0)::bigint AS events_7d,
               coalesce(sum(h.positive) FILTER (WHERE h.hour > g.scored_at - interval '168 hours' AND h.hour <= g.scored_at), 0)::bigint AS positive_7d
        FROM public.bento_grid_items g
        LEFT JOIN hours h ON h.content_type = g.content_type AND h.content_id = g.content_id
        GROUP BY g.id
    ), item_votes AS (
        SELECT g.id, public.grid_rank_reader_weight(
                   sum(v.views)::bigint, sum(v.clicks)::bigint, sum(v.shares)::bigint,
                   sum(v.bookmarks)::bigint, sum(v.comments)::bigint, sum(v.positive)::bigint,
                   sum(v.negative)::bigint) AS reader_weight_7d
        FROM public.bento_grid_items g
        JOIN vote_hours v ON v.content_type = g.content_type AND v.content_id = g.content_id
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
    FROM (SELECT r.* FROM public.engagement_rollups r, state w WHERE r.hour >= w.events_from) r
    FULL JOIN held_hours e
           ON e.content_type = r.content_type AND e.content_id = r.content_id AND e.hour = r.hour
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
    CROSS JOIN state w
    LEFT JOIN (SELECT x.content_type, x.content_id, x.hour, count(*) AS votes FROM votes x GROUP BY 1, 2, 3) v
           ON v.content_type = r.content_type AND v.content_id = r.content_id AND v.hour = r.hour
    WHERE r.hour >= w.votes_from
      AND (r.reader_views + r.reader_clicks + r.reader_shares + r.reader_bookmarks
           + r.reader_comments + r.reader_positive + r.reader_negative) IS DISTINCT FROM coalesce(v.votes, 0)
$$;
REVOKE ALL ON FUNCTION public.engagement_score_drift() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_score_drift() TO service_role;
