"""`homepage_grid`: the public homepage, as the hourly refresh last ranked it (SPEC section 5).

The top GRID_SLOTS active items by position, numbered 1..N (`slot`; 1 is the 2x2 hero, 2-5
the 2x1 featured tiles, the rest 1x1), with only what a tile shows. A materialized view has no
row-level security, so it holds public columns of active items only, and is granted to the API
roles for reading. Its unique index on `id` lets it be refreshed CONCURRENTLY: readers never
wait for a refresh.

GRID_SLOTS reaches the view through the transaction-local setting `carnivore.grid_slots`, set
by `grid_refresh_homepage(slots)`; a refresh without it (pg_restore, a raw REFRESH) uses 7.

`grid_rerank()` gives the active items their positions. `grid_refresh_homepage(slots)`
refreshes the view. REFRESH needs the view's owner before
PostgreSQL 17, so it is SECURITY DEFINER, and it checks that the caller is the service role or
an admin: nobody else may make the database do the work.
"""

from django.db import migrations

CREATE = """
CREATE MATERIALIZED VIEW homepage_grid AS
SELECT id, slot,
       CASE WHEN slot = 1 THEN 'hero' WHEN slot <= 5 THEN 'featured' ELSE 'standard' END AS tile,
       content_type, content_id, title, score, score_source, engagement_score, base_score,
       view_count, share_count, bookmark_count, positive_sentiment_percent, is_pinned,
       tags, data, refreshed_at
FROM (
    SELECT g.id,
           row_number() OVER (ORDER BY g.grid_position, g.id)::integer AS slot,
           g.content_type, g.content_id, g.content_title AS title, g.ranking_score AS score,
           g.score_source, g.engagement_score, g.base_score, g.view_count, g.share_count,
           g.bookmark_count, g.positive_sentiment_percent, g.is_pinned,
           CASE WHEN jsonb_typeof(g.data -> 'tags') = 'array'
                THEN ARRAY(SELECT jsonb_array_elements_text(g.data -> 'tags'))
                ELSE '{}' END AS tags,
           g.data - 'tags' AS data,
           now() AS refreshed_at
    FROM bento_grid_items g
    WHERE g.is_active AND g.grid_position IS NOT NULL
) ranked
WHERE slot <= coalesce(nullif(current_setting('carnivore.grid_slots', true), '')::integer, 7)
ORDER BY slot;

CREATE UNIQUE INDEX homepage_grid_id ON homepage_grid (id);
REVOKE ALL ON homepage_grid FROM PUBLIC;
GRANT SELECT ON homepage_grid TO anon, authenticated, service_role;

CREATE FUNCTION grid_refresh_homepage(slots integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT ((SELECT auth.role()) = 'service_role' OR (SELECT app_private.is_admin())) THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only the service role or an admin may refresh homepage_grid';
    END IF;
    IF slots < 1 OR slots > 100 THEN
        RAISE EXCEPTION 'slots must be between 1 and 100, not %', slots;
    END IF;
    PERFORM set_config('carnivore.grid_slots', slots::text, true);
    REFRESH MATERIALIZED VIEW CONCURRENTLY homepage_grid;
END
$$;
REVOKE ALL ON FUNCTION grid_refresh_homepage(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION grid_refresh_homepage(integer) TO authenticated, service_role;

-- Ranks the active items: pinned ones keep the position an editor pinned them to; the others
-- fill the free positions 1..100 by ranking score (ties: newer first); the rest, and inactive
-- unpinned items, have no position. Returns what it did, for the refresh's run record.
CREATE FUNCTION grid_rerank()
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
REVOKE ALL ON FUNCTION grid_rerank() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION grid_rerank() TO service_role;
"""

DROP = """
DROP FUNCTION grid_rerank();
DROP FUNCTION grid_refresh_homepage(integer);
DROP MATERIALIZED VIEW homepage_grid;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0006_window_sums"),
        ("carnivore", "0002_database_roles"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
