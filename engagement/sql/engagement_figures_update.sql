-- engagement_figures_update(as_of_hour, items): recompute grid items' window figures from the
-- hourly rollups, as of the hour `as_of_hour` (the windows are whole hours: that hour and the 23
-- or 167 before it, so the figures always equal a recount of the raw events as of `scored_at`):
-- the 24-hour sums (events, views, shares, bookmarks, positive) and the blueprint's display
-- `engagement_score` over them; the 7-day sums (events, positive), `positive_sentiment_percent`
-- and `reader_weight_7d` (the readers' votes weighted by grid_rank_reader_weight, which ranks).
-- `items`: the items to recompute; NULL for every item whose figures can move (the hourly
-- refresh): those with events in the 7-day window, and those still showing earlier figures.
-- Rows whose figures do not change are not written. Returns the number of items written.
-- Called by engagement_rollup_drain (touched items) and engagement_rescore_all (all).
CREATE OR REPLACE FUNCTION public.engagement_figures_update(
    as_of_hour timestamptz, items public.engagement_content[]
) RETURNS integer
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
    changed integer;
BEGIN
    WITH sums AS (
        SELECT r.content_type, r.content_id,
               sum(r.events) FILTER (WHERE r.hour > as_of_hour - interval '24 hours') AS events_24h,
               sum(r.views) FILTER (WHERE r.hour > as_of_hour - interval '24 hours') AS views_24h,
               sum(r.shares) FILTER (WHERE r.hour > as_of_hour - interval '24 hours') AS shares_24h,
               sum(r.bookmarks) FILTER (WHERE r.hour > as_of_hour - interval '24 hours') AS bookmarks_24h,
               sum(r.positive) FILTER (WHERE r.hour > as_of_hour - interval '24 hours') AS positive_24h,
               sum(r.events) AS events_7d,
               sum(r.positive) AS positive_7d,
               public.grid_rank_reader_weight(
                   sum(r.reader_views), sum(r.reader_clicks), sum(r.reader_shares),
                   sum(r.reader_bookmarks), sum(r.reader_comments), sum(r.reader_positive),
                   sum(r.reader_negative)) AS reader_weight_7d
        FROM public.engagement_rollups r
        WHERE r.hour > as_of_hour - interval '168 hours' AND r.hour <= as_of_hour
          AND (items IS NULL
               OR (r.content_type, r.content_id) IN (SELECT i.content_type, i.content_id FROM unnest(items) i))
        GROUP BY r.content_type, r.content_id
    ), targets AS (
        SELECT g.id, coalesce(s.events_24h, 0) AS events_24h, coalesce(s.views_24h, 0) AS views_24h,
               coalesce(s.shares_24h, 0) AS shares_24h, coalesce(s.bookmarks_24h, 0) AS bookmarks_24h,
               coalesce(s.positive_24h, 0) AS positive_24h, coalesce(s.events_7d, 0) AS events_7d,
               coalesce(s.positive_7d, 0) AS positive_7d, coalesce(s.reader_weight_7d, 0) AS reader_weight_7d
        FROM public.bento_grid_items g
        LEFT JOIN sums s ON s.content_type = g.content_type AND s.content_id = g.content_id
        WHERE CASE WHEN items IS NULL
                   THEN s.content_id IS NOT NULL OR g.events_7d > 0 OR g.reader_weight_7d <> 0
                   ELSE (g.content_type, g.content_id) IN (SELECT i.content_type, i.content_id FROM unnest(items) i)
              END
    )
    UPDATE public.bento_grid_items g
    SET events_24h = t.events_24h,
        views_24h = t.views_24h,
        shares_24h = t.shares_24h,
        bookmarks_24h = t.bookmarks_24h,
        positive_24h = t.positive_24h,
        events_7d = t.events_7d,
        positive_7d = t.positive_7d,
        reader_weight_7d = t.reader_weight_7d,
        engagement_score = public.engagement_score_formula(
            t.views_24h, t.shares_24h, t.bookmarks_24h, t.positive_24h, t.events_24h),
        positive_sentiment_percent = public.engagement_sentiment_percent(t.positive_7d, t.events_7d),
        scored_at = as_of_hour
    FROM targets t
    WHERE g.id = t.id
      AND (g.scored_at IS DISTINCT FROM as_of_hour
           OR (g.events_24h, g.views_24h, g.shares_24h, g.bookmarks_24h, g.positive_24h,
               g.events_7d, g.positive_7d, g.reader_weight_7d)
              IS DISTINCT FROM
              (t.events_24h, t.views_24h, t.shares_24h, t.bookmarks_24h, t.positive_24h,
               t.events_7d, t.positive_7d, t.reader_weight_7d));
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_figures_update(timestamptz, public.engagement_content[]) FROM PUBLIC;
