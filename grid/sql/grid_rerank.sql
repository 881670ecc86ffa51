-- grid_rerank(): gives the active grid items their positions; called by the hourly grid refresh
-- (grid/services.py) as the service role, with the caller's rights. Pinned items keep the
-- position an editor pinned them to; only as many unpinned items as there are free positions
-- (100 minus the pins) fill them, by rank_score as of now (grid_rank.sql; ties: the newer week,
-- then the newer item), found by a top-N sort of the active items rather than a ranking of all;
-- the others, and inactive unpinned items, have no position. Returns what it did, for the refresh's run record: `items_ranked`
-- counts the active items holding a position after the re-rank.
CREATE OR REPLACE FUNCTION grid_rerank()
RETURNS TABLE (items_ranked integer, items_moved integer, old_hero bigint, new_hero bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    hero_before bigint;
    moved integer;
BEGIN
    SELECT id INTO hero_before FROM bento_grid_items
    WHERE is_active AND grid_position IS NOT NULL ORDER BY grid_position, id LIMIT 1;

    -- Only the best (free positions) unpinned items get a position: a top-N sort, not a sort
    -- of every item; items that held a position and lost it are cleared in the same update.
    WITH pinned AS (
        SELECT grid_position FROM bento_grid_items WHERE is_active AND is_pinned
    ), free AS (
        SELECT position, row_number() OVER (ORDER BY position) AS n
        FROM generate_series(1, 100) AS position
        WHERE position NOT IN (SELECT grid_position FROM pinned)
    ), best AS (
        SELECT id, row_number() OVER (ORDER BY rank_score DESC, week_of DESC NULLS LAST, id DESC) AS n
        FROM (
            SELECT g.id, rank.rank_score, g.week_of FROM bento_grid_items g
            CROSS JOIN LATERAL public.grid_ranked(g.base_score, g.reader_weight_7d, g.week_of, now()) rank
            WHERE g.is_active AND NOT g.is_pinned
            ORDER BY rank.rank_score DESC, g.week_of DESC NULLS LAST, g.id DESC
            LIMIT (SELECT count(*) FROM free)
        ) candidates
    ), placed AS (
        SELECT best.id, free.position::smallint AS position FROM best JOIN free ON free.n = best.n
    ), wanted AS (
        SELECT id, position FROM placed
        UNION ALL
        SELECT id, NULL::smallint FROM bento_grid_items
        WHERE grid_position IS NOT NULL AND NOT is_pinned AND id NOT IN (SELECT id FROM placed)
    )
    UPDATE bento_grid_items g SET grid_position = wanted.position
    FROM wanted
    WHERE g.id = wanted.id AND g.grid_position IS DISTINCT FROM wanted.position;
    GET DIAGNOSTICS moved = ROW_COUNT;

    RETURN QUERY
    SELECT (SELECT count(*)::integer FROM bento_grid_items WHERE grid_position IS NOT NULL AND is_active),
           moved,
           hero_before,
           (SELECT id FROM bento_grid_items WHERE is_active AND grid_position IS NOT NULL
            ORDER BY grid_position, id LIMIT 1);
END
$$;
REVOKE ALL ON FUNCTION grid_rerank() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION grid_rerank() TO service_role;
