-- engagement_rescore_all(): recompute the grid items' figures for the current hour, so that items
-- without new events decay, and return how many items changed. The hourly grid refresh
-- (grid.services.grid_refresh, under the service role) calls it; only the service role may.
-- It touches only the items whose figures can move: with 10,000 grid items, locking and rewriting
-- every row each hour dominated the refresh. An item with no event in the last 7 days and no
-- figures left from earlier events already shows what a recount would give (no events: score 0,
-- sentiment 50), so it is left alone.
CREATE OR REPLACE FUNCTION engagement_rescore_all() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    as_of_hour timestamptz := date_trunc('hour', now(), 'UTC');
    changed integer;
BEGIN
    -- Only items whose figures can move: those with events in the 7-day window, and those
    -- still showing figures from earlier events. An item with neither already shows the
    -- figures of no events (and its base score ranks it). Their rows are taken in the order
    -- the scoring trigger takes them, so that neither can deadlock the other.
    PERFORM 1 FROM bento_grid_items g
    WHERE g.events_7d > 0
       OR (g.content_type, g.content_id) IN (
              SELECT content_type, content_id FROM engagement_rollups
              WHERE hour > as_of_hour - interval '168 hours' AND hour <= as_of_hour)
    ORDER BY g.content_type, g.content_id
    FOR UPDATE;

    UPDATE bento_grid_items g
    SET events_24h = coalesce(m.events_24h, 0),
        views_24h = coalesce(m.views_24h, 0),
        shares_24h = coalesce(m.shares_24h, 0),
        bookmarks_24h = coalesce(m.bookmarks_24h, 0),
        positive_24h = coalesce(m.positive_24h, 0),
        events_7d = coalesce(m.events_7d, 0),
        positive_7d = coalesce(m.positive_7d, 0),
        engagement_score = coalesce(m.engagement_score, 0),
        positive_sentiment_percent = coalesce(m.positive_sentiment_percent, 50),
        scored_at = as_of_hour
    FROM (
        SELECT b.id, f.events_24h, f.views_24h, f.shares_24h, f.bookmarks_24h, f.positive_24h,
               f.events_7d, f.positive_7d, f.engagement_score, f.positive_sentiment_percent
        FROM bento_grid_items b
        LEFT JOIN engagement_figures(as_of_hour) f
               ON f.content_type = b.content_type AND f.content_id = b.content_id
        WHERE f.content_id IS NOT NULL OR b.events_7d > 0
    ) m
    WHERE g.id = m.id
      AND (g.scored_at IS DISTINCT FROM as_of_hour
           OR g.events_7d IS DISTINCT FROM coalesce(m.events_7d, 0)
           OR g.events_24h IS DISTINCT FROM coalesce(m.events_24h, 0)
           OR g.engagement_score IS DISTINCT FROM coalesce(m.engagement_score, 0)
           OR g.positive_sentiment_percent IS DISTINCT FROM coalesce(m.positive_sentiment_percent, 50));
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END
$$;
REVOKE ALL ON FUNCTION engagement_rescore_all() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION engagement_rescore_all() TO service_role;
