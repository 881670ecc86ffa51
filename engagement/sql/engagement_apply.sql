-- engagement_apply(deltas): incremental scoring, the work of the scoring trigger
-- score_inserted_events (engagement/triggers.py), with prepared plans.
--
-- Grid items keep their window sums (views, shares, bookmarks, positive and all events over
-- the 24-hour window; positive and all events over the 7-day window) beside the score. While
-- the hour an item was scored for lasts, an event only adds to those sums and the formula is
-- applied to the result: no rollup is read. When the hour has turned (or the item is new), the
-- sums are recomputed from the item's rollups (at most 24 + 168 rows).
--
-- PL/pgSQL re-plans every statement that reads a trigger's transition table, on every call, so
-- the statement trigger only sums its new rows into per-(content, hour) deltas and hands them to
-- this function, whose statements read only its argument and are planned once per connection.
-- The function is not SECURITY DEFINER and no API role may execute it: only the trigger, which
-- runs as the owner, calls it.
CREATE OR REPLACE FUNCTION engagement_apply(deltas engagement_delta[]) RETURNS void
LANGUAGE plpgsql
-- The plans do not depend on the deltas' values: plan once, not at every call.
SET plan_cache_mode = force_generic_plan
AS $$
-- Locking protocol, which keeps concurrent writers free of deadlocks: create missing grid rows
-- while holding no other lock (in content order), lock grid rows in content order, and touch
-- rollups only once every grid row of the statement is locked. A statement with a single
-- item locks its one row with the update itself.
DECLARE
    as_of_hour timestamptz := date_trunc('hour', now(), 'UTC');
    single boolean := cardinality(deltas) = 1;
    items integer := 1;
    locked integer;
    current_items integer;
    missing record;
BEGIN
    IF NOT single THEN
        PERFORM engagement_grid_rows_create(deltas);
        SELECT count(*) INTO items FROM (SELECT DISTINCT content_type, content_id FROM unnest(deltas)) k;
        SELECT count(*) INTO locked
        FROM (SELECT 1 FROM bento_grid_items g
              WHERE (g.content_type, g.content_id) IN (SELECT content_type, content_id FROM unnest(deltas))
              ORDER BY g.content_type, g.content_id
              FOR UPDATE) l;
    END IF;

    -- 1. Items scored for this hour: add the events to their counts and window sums, and
    --    apply the formula to the new sums. Reads no rollup.
    WITH d AS (
        SELECT content_type, content_id,
               sum(views) AS views, sum(shares) AS shares, sum(bookmarks) AS bookmarks,
               coalesce(sum(events) FILTER (WHERE hour > as_of_hour - interval '24 hours' AND hour <= as_of_hour), 0) AS events_24h,
               coalesce(sum(views) FILTER (WHERE hour > as_of_hour - interval '24 hours' AND hour <= as_of_hour), 0) AS views_24h,
               coalesce(sum(shares) FILTER (WHERE hour > as_of_hour - interval '24 hours' AND hour <= as_of_hour), 0) AS shares_24h,
               coalesce(sum(bookmarks) FILTER (WHERE hour > as_of_hour - interval '24 hours' AND hour <= as_of_hour), 0) AS bookmarks_24h,
               coalesce(sum(positive) FILTER (WHERE hour > as_of_hour - interval '24 hours' AND hour <= as_of_hour), 0) AS positive_24h,
               coalesce(sum(events) FILTER (WHERE hour > as_of_hour - interval '168 hours' AND hour <= as_of_hour), 0) AS events_7d,
               coalesce(sum(positive) FILTER (WHERE hour > as_of_hour - interval '168 hours' AND hour <= as_of_hour), 0) AS positive_7d
        FROM unnest(deltas) GROUP BY content_type, content_id
    )
    UPDATE bento_grid_items g
    SET view_count = g.view_count + d.views,
        share_count = g.share_count + d.shares,
        bookmark_count = g.bookmark_count + d.bookmarks,
        events_24h = g.events_24h + d.events_24h,
        views_24h = g.views_24h + d.views_24h,
        shares_24h = g.shares_24h + d.shares_24h,
        bookmarks_24h = g.bookmarks_24h + d.bookmarks_24h,
        positive_24h = g.positive_24h + d.positive_24h,
        events_7d = g.events_7d + d.events_7d,
        positive_7d = g.positive_7d + d.positive_7d,
        engagement_score = engagement_score_formula(
            g.views_24h + d.views_24h, g.shares_24h + d.shares_24h,
            g.bookmarks_24h + d.bookmarks_24h, g.positive_24h + d.positive_24h,
            g.events_24h + d.events_24h),
        positive_sentiment_percent = engagement_sentiment_percent(
            g.positive_7d + d.positive_7d, g.events_7d + d.events_7d)
    FROM d
    WHERE g.content_type = d.content_type AND g.content_id = d.content_id
      AND g.scored_at = as_of_hour;
    GET DIAGNOSTICS current_items = ROW_COUNT;

    -- A single item scored for an earlier hour, or new: holding no lock yet, create its row
    -- if it is missing, then lock it.
    IF single AND current_items = 0 THEN
        PERFORM engagement_grid_rows_create(deltas);
        SELECT count(*) INTO locked
        FROM (SELECT 1 FROM bento_grid_items g
              WHERE (g.content_type, g.content_id) IN (SELECT content_type, content_id FROM unnest(deltas))
              FOR UPDATE) l;
    END IF;
    IF current_items < items AND locked < items THEN
        SELECT d.content_type, d.content_id INTO missing
        FROM unnest(deltas) d
        WHERE NOT EXISTS (SELECT 1 FROM bento_grid_items g
                          WHERE g.content_type = d.content_type AND g.content_id = d.content_id)
        LIMIT 1;
        RAISE EXCEPTION USING
            ERRCODE = 'foreign_key_violation',
            CONSTRAINT = 'content_engagement_content_exists',
            MESSAGE = format('%s %s does not exist', missing.content_type, missing.content_id);
    END IF;

    -- 2. Add the events to their hourly rollups (every grid row of the statement is locked).
    INSERT INTO engagement_rollups AS r (
        content_type, content_id, hour, events, views, clicks, shares, bookmarks,
        comments, reactions, positive, negative, neutral)
    SELECT content_type, content_id, hour, events, views, clicks, shares, bookmarks,
           comments, reactions, positive, negative, neutral
    FROM unnest(deltas)
    ORDER BY content_type, content_id, hour
    ON CONFLICT (content_type, content_id, hour) DO UPDATE
    SET events = r.events + excluded.events,
        views = r.views + excluded.views,
        clicks = r.clicks + excluded.clicks,
        shares = r.shares + excluded.shares,
        bookmarks = r.bookmarks + excluded.bookmarks,
        comments = r.comments + excluded.comments,
        reactions = r.reactions + excluded.reactions,
        positive = r.positive + excluded.positive,
        negative = r.negative + excluded.negative,
        neutral = r.neutral + excluded.neutral;

    IF current_items = items THEN
        RETURN;
    END IF;

    -- 3. The other items (new, or scored for an earlier hour): their counts, and window sums
    --    and figures recomputed from their rollups. Their rows were locked before this
    --    statement began, so its snapshot holds every earlier writer's rollups. In a batch,
    --    every row was locked before step 1, so "not scored for this hour" names exactly the
    --    rows step 1 skipped; a single item here is the one step 1 skipped.
    UPDATE bento_grid_items g
    SET view_count = g.view_count + d.views,
        share_count = g.share_count + d.shares,
        bookmark_count = g.bookmark_count + d.bookmarks,
        events_24h = coalesce(f.events_24h, 0),
        views_24h = coalesce(f.views_24h, 0),
        shares_24h = coalesce(f.shares_24h, 0),
        bookmarks_24h = coalesce(f.bookmarks_24h, 0),
        positive_24h = coalesce(f.positive_24h, 0),
        events_7d = coalesce(f.events_7d, 0),
        positive_7d = coalesce(f.positive_7d, 0),
        engagement_score = coalesce(f.engagement_score, 0),
        positive_sentiment_percent = coalesce(f.positive_sentiment_percent, 50),
        scored_at = as_of_hour
    FROM (
        SELECT content_type, content_id, sum(views) AS views, sum(shares) AS shares,
               sum(bookmarks) AS bookmarks
        FROM unnest(deltas)
        GROUP BY content_type, content_id
    ) d
    LEFT JOIN LATERAL (
        -- LATERAL, so that the item's key reaches the rollups index inside the function
        SELECT * FROM engagement_figures(as_of_hour) x
        WHERE x.content_type = d.content_type AND x.content_id = d.content_id
    ) f ON true
    WHERE g.content_type = d.content_type AND g.content_id = d.content_id
      AND (single OR g.scored_at IS DISTINCT FROM as_of_hour);
END
$$;
REVOKE ALL ON FUNCTION engagement_apply(engagement_delta[]) FROM PUBLIC;
