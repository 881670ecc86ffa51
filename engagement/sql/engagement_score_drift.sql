-- engagement_score_drift(): every figure that differs from a recount of the raw events, one row
-- per figure. Each grid item is recounted as of the hour it was scored for (`scored_at`): the
-- all-time counts, the 24-hour and 7-day sums, the display engagement_score and sentiment, and
-- reader_weight_7d from the events' distinct (reader, kind, hour stored) votes; then each
-- hourly rollup against the events of its hour, readers' votes included; then each reader's
-- standing bookmark and reaction (engagement_toggles) against their latest such event. The
-- events that count are those that stand: every event but the bookmarks and reactions that
-- their reader's later event (by created_at, then id) took back or replaced, and the undos
-- themselves (engagement_toggle); a standing bookmark or reaction votes once, in the hour it
-- was stored. Only the events the rollup has taken are recounted: those of the transactions
-- below its watermark, and those it noted in engagement_rollup_ahead. An event whose
-- transaction commits after the rollup's last run is not drift but waiting (the doctor's rollup
-- check watches how long), so a recount under live writes compares like with like; an event
-- below the watermark that no run counted is drift. Callers run engagement_rollup_drain first
-- (engagement.selectors.engagement_score_drift does), so that every committed event is covered.
-- Reads every event: a verification, not a hot path. Used by `manage.py verify_scores`, the
-- doctor and the benchmarks; only the service role may run it.
--
-- After retention (engagement_partition_detach) only the hours whose raw events are still held
-- are recounted: event counts from `events_held_from` on, readers' votes from `votes_held_from`
-- on (engagement_rollup_state), and a standing bookmark or reaction only if its event is held.
-- The hourly rollups of the earlier hours (and the standing rows of retired events) are the
-- record of the retired events: they stand in for them in the all-time counts and in any window
-- that reaches back that far, and are not themselves compared with anything.
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
    ), taken AS (
        SELECT e.id, e.content_type, e.content_id, e.created_at, e.interaction_type, e.sentiment,
               e.inserted_at, coalesce(e.user_id, e.reader_key) AS reader_key,
               date_trunc('hour', e.created_at, 'UTC') AS hour,
               date_trunc('hour', e.inserted_at, 'UTC') AS vote_hour,
               public.engagement_vote_kind(e.interaction_type, e.sentiment) AS vote_kind,
               public.engagement_toggle(e.interaction_type) AS toggle
        FROM public.content_engagement e, state w
        WHERE e.insert_xid < w.next_xid
           OR EXISTS (SELECT 1 FROM public.engagement_rollup_ahead a
                      WHERE a.xid = e.insert_xid AND e.id <= a.counted_id)
    ), latest AS (
        -- Each reader's latest bookmark or unbookmark (reaction or unreact) on each item.
        SELECT DISTINCT ON (t.content_type, t.content_id, t.toggle, t.reader_key) t.*
        FROM taken t WHERE t.toggle IS NOT NULL
        ORDER BY t.content_type, t.content_id, t.toggle, t.reader_key, t.created_at DESC, t.id DESC
    ), events AS (
        -- The events that stand.
        SELECT t.* FROM taken t WHERE t.toggle IS NULL
        UNION ALL
        SELECT l.* FROM latest l WHERE l.interaction_type IN ('bookmark', 'reaction')
    ), votes AS (
        SELECT DISTINCT v.content_type, v.content_id, v.vote_hour AS hour, v.vote_kind,
                        v.reader_key
        FROM taken v, state w
        WHERE v.vote_kind IS NOT NULL AND v.toggle IS NULL AND v.vote_hour >= w.votes_from
        UNION ALL
        SELECT l.content_type, l.content_id, l.vote_hour, l.vote_kind, l.reader_key
        FROM latest l, state w
        WHERE l.interaction_type IN ('bookmark', 'reaction') AND l.vote_kind IS NOT NULL
          AND l.vote_hour >= w.votes_from
    ), held_hours AS (
        -- The standing events' counts of each held hour.
        SELECT y.content_type, y.content_id, y.hour, count(*) AS events,
               count(*) FILTER (WHERE y.interaction_type = 'view') AS views,
               count(*) FILTER (WHERE y.interaction_type = 'click') AS clicks,
               count(*) FILTER (WHERE y.interaction_type = 'share') AS shares,
               count(*) FILTER (WHERE y.interaction_type = 'bookmark') AS bookmarks,
               count(*) FILTER (WHERE y.interaction_type = 'comment') AS comments,
               count(*) FILTER (WHERE y.interaction_type = 'reaction') AS reactions,
               count(*) FILTER (WHERE y.sentiment = 'positive') AS positive,
               count(*) FILTER (WHERE y.sentiment = 'negative') AS negative,
               count(*) FILTER (WHERE y.sentiment = 'neutral') AS neutral
        FROM events y, state w WHERE y.hour >= w.events_from GROUP BY 1, 2, 3
    ), held_vote_hours AS (
        SELECT y.content_type, y.content_id, y.hour,
               count(*) FILTER (WHERE y.vote_kind = 'view') AS views,
               count(*) FILTER (WHERE y.vote_kind = 'click') AS clicks,
               count(*) FILTER (WHERE y.vote_kind = 'share') AS shares,
               count(*) FILTER (WHERE y.vote_kind = 'bookmark') AS bookmarks,
               count(*) FILTER (WHERE y.vote_kind = 'comment') AS comments,
               count(*) FILTER (WHERE y.vote_kind = 'positive') AS positive,
               count(*) FILTER (WHERE y.vote_kind = 'negative') AS negative
        FROM votes y GROUP BY 1, 2, 3
    ), hours AS (
        -- Every hour's counts: recounted where the events are held, the rollup's before.
        SELECT h.content_type, h.content_id, h.hour, h.events, h.views, h.shares, h.bookmarks,
               h.positive
        FROM held_hours h
        UNION ALL
        SELECT r.content_type, r.content_id, r.hour, r.events, r.views, r.shares, r.bookmarks,
               r.positive
        FROM public.engagement_rollups r, state w WHERE r.hour < w.events_from
    ), vote_hours AS (
        SELECT v.content_type, v.content_id, v.hour, v.views, v.clicks, v.shares, v.bookmarks,
               v.comments, v.positive, v.negative
        FROM held_vote_hours v
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
    -- Each hourly rollup, count by count (a rollup may hold readers' votes of an hour in which
    -- none of its events happened, or nothing any more: what stood there was taken back).
    SELECT NULL, coalesce(r.content_type, x.content_type), coalesce(r.content_id, x.content_id),
           'rollup ' || c.figure || ' '
               || to_char(coalesce(r.hour, x.hour) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00'),
           coalesce(c.stored, 0)::numeric, coalesce(c.recounted, 0)::numeric
    FROM public.engagement_rollups r
    FULL JOIN (
        SELECT coalesce(e.content_type, v.content_type) AS content_type,
               coalesce(e.content_id, v.content_id) AS content_id,
               coalesce(e.hour, v.hour) AS hour,
               e.events, e.views, e.clicks, e.shares, e.bookmarks, e.comments, e.reactions,
               e.positive, e.negative, e.neutral, v.views AS reader_views,
               v.clicks AS reader_clicks, v.shares AS reader_shares,
               v.bookmarks AS reader_bookmarks, v.comments AS reader_comments,
               v.positive AS reader_positive, v.negative AS reader_negative
        FROM held_hours e
        FULL JOIN held_vote_hours v
          ON v.content_type = e.content_type AND v.content_id = e.content_id AND v.hour = e.hour
    ) x ON x.content_type = r.content_type AND x.content_id = r.content_id AND x.hour = r.hour
    CROSS JOIN state w
    -- Event counts are compared where the events are held, readers' counts where the votes are.
    CROSS JOIN LATERAL (VALUES
        ('events', r.events, x.events, false), ('views', r.views, x.views, false),
        ('clicks', r.clicks, x.clicks, false), ('shares', r.shares, x.shares, false),
        ('bookmarks', r.bookmarks, x.bookmarks, false),
        ('comments', r.comments, x.comments, false),
        ('reactions', r.reactions, x.reactions, false),
        ('positive', r.positive, x.positive, false),
        ('negative', r.negative, x.negative, false), ('neutral', r.neutral, x.neutral, false),
        ('reader_views', r.reader_views, x.reader_views, true),
        ('reader_clicks', r.reader_clicks, x.reader_clicks, true),
        ('reader_shares', r.reader_shares, x.reader_shares, true),
        ('reader_bookmarks', r.reader_bookmarks, x.reader_bookmarks, true),
        ('reader_comments', r.reader_comments, x.reader_comments, true),
        ('reader_positive', r.reader_positive, x.reader_positive, true),
        ('reader_negative', r.reader_negative, x.reader_negative, true)
    ) AS c (figure, stored, recounted, is_vote)
    WHERE coalesce(c.stored, 0) <> coalesce(c.recounted, 0)
      AND coalesce(r.hour, x.hour) >= CASE WHEN c.is_vote THEN w.votes_from ELSE w.events_from END
    UNION ALL
    -- Each reader's standing bookmark and reaction: the event the rollup keeps as standing, by
    -- id, against their latest such event (the reader is not named).
    SELECT NULL, coalesce(t.content_type, l.content_type), coalesce(t.content_id, l.content_id),
           'standing ' || coalesce(t.toggle, l.toggle), t.event_id::numeric, l.id::numeric
    FROM public.engagement_toggles t
    FULL JOIN latest l
      ON l.content_type = t.content_type AND l.content_id = t.content_id
     AND l.toggle = t.toggle AND l.reader_key = t.reader_key
    CROSS JOIN state w
    -- A standing row whose event was retired stands in for it.
    WHERE coalesce(t.event_created_at, 'infinity') >= w.events_from
      AND (t.event_id, t.event_created_at, t.event_inserted_at, t.interaction_type, t.sentiment)
          IS DISTINCT FROM (l.id, l.created_at, l.inserted_at, l.interaction_type, l.sentiment)
$$;
REVOKE ALL ON FUNCTION public.engagement_score_drift() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_score_drift() TO service_role;
