-- engagement_rollup_drain(): count every event committed since the last run into the hourly
-- rollups and the grid items' figures, exactly once; returns how many events it took.
-- Run every second by the rollup worker (`manage.py engagement_rollup_worker`, started by `up`),
-- and first thing by the grid refresh and verify_scores, so that they see every committed event.
--
-- Events append without touching any shared row (the write path scales with the writers); this
-- is the incremental rollup of Citus's real-time analytics design. Which events are new: those
-- of the transactions between the watermark (`engagement_rollup_state.next_xid`) and the oldest
-- transaction still running (`pg_snapshot_xmin`). Every transaction below that has finished, so
-- none of its events can still appear; transactions that commit out of order are simply taken
-- on a later run. Everything happens in the caller's transaction: a run that fails or is killed
-- counts nothing and leaves the watermark where it was. The watermark row is locked first, so
-- two runs at once take turns (the second then finds nothing new). A run also counts the events
-- of its own transaction (a refresh in the transaction that stored them sees them), noting in
-- engagement_rollup_ahead how far, so that no later run counts them again.
--
-- For each (content, hour) it adds the events' counts to the rollup (by the hour they happened),
-- and the readers' votes that are new (engagement_votes: one per reader, kind of action, item and
-- hour the action reached the database, so that backdating cannot vote twice; the reader is the
-- event's user, else its reader_key) to its reader_* counts. Bookmarks and reactions count by
-- what stands (engagement_toggles, engagement_toggle): when a reader's bookmark, unbookmark,
-- reaction or unreact is later than what stood for them on the item, it stands instead, and the
-- reader's contribution moves: the old bookmark or reaction is taken away from its hour's counts
-- and its vote from the hour it was stored, the new one (unless it is an undo) added to its own.
-- Counts may so go down, never below nothing: only what was added is taken away. It creates the
-- grid rows of content seen for the first time (from grid_item_sources); adds to the items'
-- all-time counts; and recomputes their window figures (engagement_figures_update). It also keeps the salts of anonymous readers' fingerprints ready:
-- today's and tomorrow's made, past days' deleted. SECURITY DEFINER: the service role runs it,
-- the owner writes.
CREATE OR REPLACE FUNCTION public.engagement_rollup_drain() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    from_xid xid8;
    upto_xid xid8;
    own_xid xid8;
    own_counted_to bigint;
    deltas public.engagement_delta[];
    counted integer;
    touched public.engagement_content[];
    unseen public.engagement_content[];
BEGIN
    SELECT s.next_xid INTO from_xid FROM public.engagement_rollup_state s WHERE s.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO public.engagement_rollup_state (id, next_xid) VALUES (1, '0')
        ON CONFLICT (id) DO NOTHING;
        SELECT s.next_xid INTO from_xid FROM public.engagement_rollup_state s WHERE s.id = 1 FOR UPDATE;
    END IF;
    -- Today's and tomorrow's salts exist before any reader needs them (a writer making the
    -- day's first salt would hold every other anonymous writer until it commits), and past
    -- days' are gone.
    INSERT INTO public.engagement_salts (day, salt)
    SELECT day, uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())
    FROM (VALUES ((now() AT TIME ZONE 'UTC')::date), ((now() AT TIME ZONE 'UTC')::date + 1)) d (day)
    WHERE NOT EXISTS (SELECT 1 FROM public.engagement_salts s WHERE s.day = d.day)
    ON CONFLICT (day) DO NOTHING;
    DELETE FROM public.engagement_salts WHERE day < (now() AT TIME ZONE 'UTC')::date;

    -- Taken after the lock: a run that waited for another sees what that one did. The lock gave
    -- this transaction its id, which is at or above the oldest one running.
    upto_xid := pg_snapshot_xmin(pg_current_snapshot());
    own_xid := pg_current_xact_id();
    SELECT a.counted_id INTO own_counted_to FROM public.engagement_rollup_ahead a
    WHERE a.xid = own_xid;

    WITH batch_rows AS (
        SELECT e.id, e.content_type, e.content_id, e.created_at, e.inserted_at,
               e.interaction_type, e.sentiment, coalesce(e.user_id, e.reader_key) AS reader_key,
               e.insert_xid
        FROM public.content_engagement e
        WHERE e.insert_xid >= from_xid AND e.insert_xid < upto_xid
          AND NOT EXISTS (SELECT 1 FROM public.engagement_rollup_ahead a
                          WHERE a.xid = e.insert_xid AND e.id <= a.counted_id)
        UNION ALL
        SELECT e.id, e.content_type, e.content_id, e.created_at, e.inserted_at,
               e.interaction_type, e.sentiment, coalesce(e.user_id, e.reader_key) AS reader_key,
               e.insert_xid
        FROM public.content_engagement e
        WHERE e.insert_xid = own_xid AND e.id > coalesce(own_counted_to, 0)
    ), own AS (
        INSERT INTO public.engagement_rollup_ahead AS a (xid, counted_id)
        SELECT own_xid, max(r.id) FROM batch_rows r WHERE r.insert_xid = own_xid
        HAVING count(*) > 0
        ON CONFLICT (xid) DO UPDATE SET counted_id = greatest(a.counted_id, excluded.counted_id)
    ), kinds AS MATERIALIZED (
        -- What each kind of event in the batch counts as, worked out once per kind (a call of
        -- a function with a search_path of its own per event cost a large batch a second).
        -- MATERIALIZED: inlined, the calls would move into the join and run once per event.
        SELECT k.interaction_type, k.sentiment,
               public.engagement_vote_kind(k.interaction_type, k.sentiment) AS vote_kind,
               public.engagement_toggle(k.interaction_type) AS toggle
        FROM (SELECT DISTINCT r.interaction_type, r.sentiment FROM batch_rows r) k
    ), batch AS (
        SELECT r.id, r.content_type, r.content_id, r.created_at, r.inserted_at,
               date_trunc('hour', r.created_at, 'UTC') AS hour,
               date_trunc('hour', r.inserted_at, 'UTC') AS vote_hour,
               r.interaction_type, r.sentiment, r.reader_key, k.vote_kind, k.toggle
        FROM batch_rows r
        JOIN kinds k ON k.interaction_type = r.interaction_type
                    AND coalesce(k.sentiment, '') = coalesce(r.sentiment, '')
    ), new_votes AS (
        -- Bookmarks and reactions vote through what stands (below), not by the hour.
        INSERT INTO public.engagement_votes (content_type, content_id, hour, kind, reader_key)
        SELECT DISTINCT b.content_type, b.content_id, b.vote_hour, b.vote_kind, b.reader_key
        FROM batch b WHERE b.vote_kind IS NOT NULL AND b.toggle IS NULL
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT DO NOTHING
        RETURNING content_type, content_id, hour, kind
    ), latest AS (
        -- Each reader's latest bookmark or unbookmark (reaction or unreact) on an item in the
        -- batch: when it happened, then the order stored.
        SELECT DISTINCT ON (b.content_type, b.content_id, b.toggle, b.reader_key) b.*
        FROM batch b WHERE b.toggle IS NOT NULL
        ORDER BY b.content_type, b.content_id, b.toggle, b.reader_key, b.created_at DESC, b.id DESC
    ), moved AS (
        -- Those later than what stood for the reader (nothing, or an event taken earlier): the
        -- new standing event, and the old one, whose counts and vote it takes over.
        SELECT l.*, t.event_created_at AS old_created_at, t.event_inserted_at AS old_inserted_at,
               t.interaction_type AS old_interaction_type, t.sentiment AS old_sentiment
        FROM latest l
        LEFT JOIN public.engagement_toggles t
          ON t.content_type = l.content_type AND t.content_id = l.content_id
         AND t.toggle = l.toggle AND t.reader_key = l.reader_key
        WHERE t.reader_key IS NULL OR (l.created_at, l.id) > (t.event_created_at, t.event_id)
    ), standing AS (
        INSERT INTO public.engagement_toggles AS t (
            content_type, content_id, toggle, reader_key, event_id, event_created_at,
            event_inserted_at, interaction_type, sentiment)
        SELECT m.content_type, m.content_id, m.toggle, m.reader_key, m.id, m.created_at,
               m.inserted_at, m.interaction_type, m.sentiment
        FROM moved m
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (content_type, content_id, toggle, reader_key) DO UPDATE SET
            event_id = excluded.event_id,
            event_created_at = excluded.event_created_at,
            event_inserted_at = excluded.event_inserted_at,
            interaction_type = excluded.interaction_type,
            sentiment = excluded.sentiment
    ), counted_events AS (
        -- What each event adds to its hour's counts: every other event, once; a bookmark or
        -- reaction that now stands, once; the one it replaced (if it was a bookmark or a
        -- reaction, not an undo), taken away from its hour.
        SELECT b.content_type, b.content_id, b.hour, b.interaction_type, b.sentiment, 1 AS n
        FROM batch b WHERE b.toggle IS NULL
        UNION ALL
        SELECT m.content_type, m.content_id, m.hour, m.interaction_type, m.sentiment, 1
        FROM moved m WHERE m.interaction_type IN ('bookmark', 'reaction')
        UNION ALL
        SELECT m.content_type, m.content_id, date_trunc('hour', m.old_created_at, 'UTC'),
               m.old_interaction_type, m.old_sentiment, -1
        FROM moved m WHERE m.old_interaction_type IN ('bookmark', 'reaction')
    ), counted_votes AS (
        -- The readers' new votes of the hour, and a standing bookmark's or reaction's vote,
        -- moved from the hour the old one was stored to the hour the new one was.
        SELECT v.content_type, v.content_id, v.hour, v.kind, 1 AS n FROM new_votes v
        UNION ALL
        SELECT m.content_type, m.content_id, m.vote_hour, m.vote_kind, 1
        FROM moved m WHERE m.interaction_type IN ('bookmark', 'reaction') AND m.vote_kind IS NOT NULL
        UNION ALL
        SELECT m.content_type, m.content_id, date_trunc('hour', m.old_inserted_at, 'UTC'),
               public.engagement_vote_kind(m.old_interaction_type, m.old_sentiment), -1
        FROM moved m
        WHERE m.old_interaction_type IN ('bookmark', 'reaction')
          AND public.engagement_vote_kind(m.old_interaction_type, m.old_sentiment) IS NOT NULL
    ), votes AS (
        SELECT v.content_type, v.content_id, v.hour,
               sum(v.n) FILTER (WHERE v.kind = 'view') AS views,
               sum(v.n) FILTER (WHERE v.kind = 'click') AS clicks,
               sum(v.n) FILTER (WHERE v.kind = 'share') AS shares,
               sum(v.n) FILTER (WHERE v.kind = 'bookmark') AS bookmarks,
               sum(v.n) FILTER (WHERE v.kind = 'comment') AS comments,
               sum(v.n) FILTER (WHERE v.kind = 'positive') AS positive,
               sum(v.n) FILTER (WHERE v.kind = 'negative') AS negative
        FROM counted_votes v GROUP BY 1, 2, 3
    ), counts AS (
        SELECT c.content_type, c.content_id, c.hour, sum(c.n) AS events,
               sum(c.n) FILTER (WHERE c.interaction_type = 'view') AS views,
               sum(c.n) FILTER (WHERE c.interaction_type = 'click') AS clicks,
               sum(c.n) FILTER (WHERE c.interaction_type = 'share') AS shares,
               sum(c.n) FILTER (WHERE c.interaction_type = 'bookmark') AS bookmarks,
               sum(c.n) FILTER (WHERE c.interaction_type = 'comment') AS comments,
               sum(c.n) FILTER (WHERE c.interaction_type = 'reaction') AS reactions,
               sum(c.n) FILTER (WHERE c.sentiment = 'positive') AS positive,
               sum(c.n) FILTER (WHERE c.sentiment = 'negative') AS negative,
               sum(c.n) FILTER (WHERE c.sentiment = 'neutral') AS neutral
        FROM counted_events c GROUP BY 1, 2, 3
    )
    -- Events count in the hour they happened; votes in the hour they reached the database
    -- (a client cannot vote again by backdating): one delta per (content, hour) of either.
    SELECT array_agg(ROW(
               content_type, content_id, hour, coalesce(c.events, 0), coalesce(c.views, 0),
               coalesce(c.clicks, 0), coalesce(c.shares, 0), coalesce(c.bookmarks, 0),
               coalesce(c.comments, 0), coalesce(c.reactions, 0), coalesce(c.positive, 0),
               coalesce(c.negative, 0), coalesce(c.neutral, 0),
               coalesce(v.views, 0), coalesce(v.clicks, 0), coalesce(v.shares, 0),
               coalesce(v.bookmarks, 0), coalesce(v.comments, 0), coalesce(v.positive, 0),
               coalesce(v.negative, 0))::public.engagement_delta
               ORDER BY content_type, content_id, hour),
           (SELECT count(*) FROM batch_rows),
           ARRAY(SELECT DISTINCT ROW(r.content_type, r.content_id)::public.engagement_content
                 FROM batch_rows r)
    INTO deltas, counted, touched
    FROM counts c
    FULL JOIN votes v USING (content_type, content_id, hour);

    IF counted > 0 THEN
        -- A delta that takes something back (a bookmark or reaction replaced or undone) applies
        -- to the rollup row that counted it: an UPDATE, for an INSERT's proposed row would be
        -- checked against the rollups' CHECKs, and refused, before it met that row.
        UPDATE public.engagement_rollups r SET
            events = r.events + d.events,
            views = r.views + d.views,
            clicks = r.clicks + d.clicks,
            shares = r.shares + d.shares,
            bookmarks = r.bookmarks + d.bookmarks,
            comments = r.comments + d.comments,
            reactions = r.reactions + d.reactions,
            positive = r.positive + d.positive,
            negative = r.negative + d.negative,
            neutral = r.neutral + d.neutral,
            reader_views = r.reader_views + d.reader_views,
            reader_clicks = r.reader_clicks + d.reader_clicks,
            reader_shares = r.reader_shares + d.reader_shares,
            reader_bookmarks = r.reader_bookmarks + d.reader_bookmarks,
            reader_comments = r.reader_comments + d.reader_comments,
            reader_positive = r.reader_positive + d.reader_positive,
            reader_negative = r.reader_negative + d.reader_negative
        FROM unnest(deltas) d
        WHERE r.content_type = d.content_type AND r.content_id = d.content_id AND r.hour = d.hour
          AND least(d.events, d.views, d.clicks, d.shares, d.bookmarks,
                    d.comments, d.reactions, d.positive, d.negative, d.neutral,
                    d.reader_views, d.reader_clicks, d.reader_shares, d.reader_bookmarks,
                    d.reader_comments, d.reader_positive, d.reader_negative) < 0;

        INSERT INTO public.engagement_rollups AS r (
            content_type, content_id, hour, events, views, clicks, shares, bookmarks, comments,
            reactions, positive, negative, neutral, reader_views, reader_clicks, reader_shares,
            reader_bookmarks, reader_comments, reader_positive, reader_negative)
        SELECT d.content_type, d.content_id, d.hour, d.events, d.views, d.clicks, d.shares,
               d.bookmarks, d.comments, d.reactions, d.positive, d.negative, d.neutral,
               d.reader_views, d.reader_clicks, d.reader_shares, d.reader_bookmarks,
               d.reader_comments, d.reader_positive, d.reader_negative
        FROM unnest(deltas) d
        WHERE least(d.events, d.views, d.clicks, d.shares, d.bookmarks,
                    d.comments, d.reactions, d.positive, d.negative, d.neutral,
                    d.reader_views, d.reader_clicks, d.reader_shares, d.reader_bookmarks,
                    d.reader_comments, d.reader_positive, d.reader_negative) >= 0
        ON CONFLICT (content_type, content_id, hour) DO UPDATE SET
            events = r.events + excluded.events,
            views = r.views + excluded.views,
            clicks = r.clicks + excluded.clicks,
            shares = r.shares + excluded.shares,
            bookmarks = r.bookmarks + excluded.bookmarks,
            comments = r.comments + excluded.comments,
            reactions = r.reactions + excluded.reactions,
            positive = r.positive + excluded.positive,
            negative = r.negative + excluded.negative,
            neutral = r.neutral + excluded.neutral,
            reader_views = r.reader_views + excluded.reader_views,
            reader_clicks = r.reader_clicks + excluded.reader_clicks,
            reader_shares = r.reader_shares + excluded.reader_shares,
            reader_bookmarks = r.reader_bookmarks + excluded.reader_bookmarks,
            reader_comments = r.reader_comments + excluded.reader_comments,
            reader_positive = r.reader_positive + excluded.reader_positive,
            reader_negative = r.reader_negative + excluded.reader_negative;

        -- Grid rows for content seen for the first time (also through an undo that changed
        -- nothing). Content hidden since its events were stored gets a hidden row (its figures
        -- stay exact; it is never shown while hidden). The content without a row is found
        -- first: building grid_item_sources' rows for every touched item, only to find them
        -- there already, was a fifth of a busy run.
        SELECT array_agg(k) INTO unseen
        FROM unnest(touched) k
        WHERE NOT EXISTS (SELECT FROM public.bento_grid_items g
                          WHERE g.content_type = k.content_type AND g.content_id = k.content_id);
        IF unseen IS NOT NULL THEN
            INSERT INTO public.bento_grid_items (
                content_type, content_id, content_title, base_score, week_of, data, is_active)
            SELECT s.content_type, s.content_id, s.content_title, s.base_score, s.week_of,
                   s.data, s.is_active
            FROM unnest(unseen) k
            JOIN public.grid_item_sources s
              ON s.content_type = k.content_type AND s.content_id = k.content_id
            ORDER BY s.content_type, s.content_id
            ON CONFLICT (content_type, content_id) DO NOTHING;
        END IF;

        UPDATE public.bento_grid_items g
        SET view_count = g.view_count + t.views,
            share_count = g.share_count + t.shares,
            bookmark_count = g.bookmark_count + t.bookmarks
        FROM (SELECT d.content_type, d.content_id, sum(d.views) AS views, sum(d.shares) AS shares,
                     sum(d.bookmarks) AS bookmarks
              FROM unnest(deltas) d GROUP BY 1, 2) t
        WHERE g.content_type = t.content_type AND g.content_id = t.content_id
          AND (t.views, t.shares, t.bookmarks) <> (0, 0, 0);

        PERFORM public.engagement_figures_update(date_trunc('hour', now(), 'UTC'), touched);
    END IF;

    IF upto_xid > from_xid THEN
        UPDATE public.engagement_rollup_state SET next_xid = upto_xid, drained_at = now()
        WHERE id = 1;
        DELETE FROM public.engagement_rollup_ahead WHERE xid < upto_xid;
    END IF;
    RETURN counted;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_rollup_drain() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_rollup_drain() TO service_role;
