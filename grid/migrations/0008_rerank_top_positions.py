"""The re-rank sorts only the best items (top-N), not all of them.

Only as many unpinned items as there are free positions (100 minus the pins) get a position;
the others keep none. A top-N sort of the active items replaces the full ranking, and
`items_ranked` now counts the active items holding a position after the refresh.
"""

from django.db import migrations

RERANK_TOP = """
CREATE OR REPLACE FUNCTION grid_rerank()
RETURNS TABLE (items_ranked integer, items_moved integer, old_hero bigint, new_hero bigint)
LANGUAGE plpgsql AS $$
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
        SELECT id, row_number() OVER (ORDER BY ranking_score DESC, created_at DESC, id DESC) AS n
        FROM (
            SELECT id, ranking_score, created_at FROM bento_grid_items
            WHERE is_active AND NOT is_pinned
            ORDER BY ranking_score DESC, created_at DESC, id DESC
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
"""

RERANK_ALL = """
CREATE OR REPLACE FUNCTION grid_rerank()
RETURNS TABLE (items_ranked integer, items_moved integer, old_hero bigint, new_hero bigint)
LANGUAGE plpgsql AS $$
DECLARE
    hero_before bigint;
    moved integer;
    cleared integer;
BEGIN
    SELECT id INTO hero_before FROM bento_grid_items
    WHERE is_active AND grid_position IS NOT NULL ORDER BY grid_position, id LIMIT 1;

    WITH pinned AS (
        SELECT grid_position FROM bento_grid_items WHERE is_active AND is_pinned
    ), candidates AS (
        SELECT id, row_number() OVER (ORDER BY ranking_score DESC, created_at DESC, id DESC) AS n
        FROM bento_grid_items WHERE is_active AND NOT is_pinned
    ), free AS (
        SELECT position, row_number() OVER (ORDER BY position) AS n
        FROM generate_series(1, 100) AS position
        WHERE position NOT IN (SELECT grid_position FROM pinned)
    ), placed AS (
        SELECT c.id, f.position::smallint AS position
        FROM candidates c LEFT JOIN free f ON f.n = c.n
    )
    UPDATE bento_grid_items g SET grid_position = placed.position
    FROM placed
    WHERE g.id = placed.id AND g.grid_position IS DISTINCT FROM placed.position;
    GET DIAGNOSTICS moved = ROW_COUNT;

    UPDATE bento_grid_items SET grid_position = NULL
    WHERE NOT is_active AND NOT is_pinned AND grid_position IS NOT NULL;
    GET DIAGNOSTICS cleared = ROW_COUNT;

    RETURN QUERY
    SELECT (SELECT count(*)::integer FROM bento_grid_items WHERE is_active),
           moved + cleared,
           hero_before,
           (SELECT id FROM bento_grid_items WHERE is_active AND grid_position IS NOT NULL
            ORDER BY grid_position, id LIMIT 1);
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("grid", "0007_homepage_grid")]

    operations = [migrations.RunSQL(RERANK_TOP, reverse_sql=RERANK_ALL)]
