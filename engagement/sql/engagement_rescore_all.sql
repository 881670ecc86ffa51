-- engagement_rescore_all(): the hourly rescore, run by the grid refresh (grid/services.py) as the
-- service role after engagement_rollup_drain: as the hour turns, events leave the 24-hour and
-- 7-day windows, so every item whose figures can move is recomputed as of the current hour
-- (engagement_figures_update with no item list). Returns the number of items written.
CREATE OR REPLACE FUNCTION public.engagement_rescore_all() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
    SELECT public.engagement_figures_update(date_trunc('hour', now(), 'UTC'), NULL)
$$;
REVOKE ALL ON FUNCTION public.engagement_rescore_all() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_rescore_all() TO service_role;
