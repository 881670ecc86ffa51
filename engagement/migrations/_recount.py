"""The figures counted again from the events, under the counting rules the SQL functions in
place follow (engagement_rollup_drain, engagement_figures_update), for a migration that changes
those rules: what the rollup keeps (hourly rollups, votes, standing bookmarks and reactions,
the grid items' all-time counts) is emptied and the watermark set back to the start, then one
drain counts every committed event again and the window figures of every item are recomputed.
Events of transactions still running are counted by the rollup worker's next runs, as always.

A database without events has nothing to count (a new deployment, the test database): it is
left as it is. A database that retired months of events (engagement retention) cannot be
recounted: the migration stops and says so. Statements, not SQL objects: the functions they call are defined in the sources.
"""

RECOUNT = """
DO $$
BEGIN
    IF EXISTS (SELECT FROM public.content_engagement) THEN
        -- Drains and erasures take this lock first: none runs meanwhile.
        PERFORM 1 FROM public.engagement_rollup_state WHERE id = 1 FOR UPDATE;
        -- Retired months' events are gone: only their rollups count them, and this empties those.
        IF EXISTS (SELECT FROM public.engagement_rollup_state
                   WHERE events_held_from IS NOT NULL OR votes_held_from IS NOT NULL) THEN
            RAISE EXCEPTION 'cannot recount the engagement figures: months of events were retired '
                'by ENGAGEMENT_RETENTION_MONTHS, and their rollups are their only record';
        END IF;
        TRUNCATE public.engagement_rollups, public.engagement_votes, public.engagement_rollup_ahead;
        IF to_regclass('public.engagement_toggles') IS NOT NULL THEN
            EXECUTE 'TRUNCATE public.engagement_toggles';
        END IF;
        UPDATE public.engagement_rollup_state SET next_xid = '0' WHERE id = 1;
        UPDATE public.bento_grid_items SET view_count = 0, share_count = 0, bookmark_count = 0
        WHERE (view_count, share_count, bookmark_count) <> (0, 0, 0);
        PERFORM public.engagement_rollup_drain();
        PERFORM public.engagement_figures_update(date_trunc('hour', now(), 'UTC'), NULL);
    END IF;
END
$$;
"""
