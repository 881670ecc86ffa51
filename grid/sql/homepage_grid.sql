-- homepage_grid: the public homepage, as the hourly refresh last ranked it (SPEC section 5). The
-- top GRID_SLOTS active items by position, numbered 1..N (`slot`; 1 is the 2x2 hero, 2-5 the 2x1
-- featured tiles, the rest 1x1), with only what a tile shows and why the item is there: the parts
-- of its rank_score at the refresh (grid_rank.sql), rounded for display. Read by grid/selectors.py (the
-- homepage), the grid admin and carnivore/doctor.py; refreshed by grid_refresh_homepage().
--
-- A materialized view has no row-level security, so it holds public columns of active items
-- only, and is granted to the API roles for reading. Its unique index on `id` lets it be
-- refreshed CONCURRENTLY: readers never wait for a refresh. It is filled as its owner, whom the
-- forced row-level security of bento_grid_items lets see every item through the owner's policy
-- there (bento_grid_items_policies).
--
-- GRID_SLOTS reaches the view through the transaction-local setting `carnivore.grid_slots`, set
-- by `grid_refresh_homepage(slots)`; a refresh without it (pg_restore, a raw REFRESH) uses 7.
--
-- Not re-runnable: a change drops the view (and what depends on it) and creates it anew.
CREATE MATERIALIZED VIEW homepage_grid AS
SELECT id, slot,
       CASE WHEN slot = 1 THEN 'hero' WHEN slot <= 5 THEN 'featured' ELSE 'standard' END AS tile,
       content_type, content_id, title, week_of, round(rank_score::numeric, 2) AS score,
       round(prior::numeric, 2) AS prior, round(readers::numeric, 2) AS readers,
       round(age_penalty::numeric, 2) AS age_penalty, round(rank_score::numeric, 4) AS rank_score,
       reader_weight_7d, engagement_score, base_score, view_count, share_count, bookmark_count,
       positive_sentiment_percent, events_7d, is_pinned, tags, data, refreshed_at
FROM (
    SELECT g.id,
           row_number() OVER (ORDER BY g.grid_position, g.id)::integer AS slot,
           g.content_type, g.content_id, g.content_title AS title, g.week_of,
           rank.prior, rank.readers, rank.age_penalty, rank.rank_score,
           g.reader_weight_7d, g.engagement_score, g.base_score, g.view_count, g.share_count,
           g.bookmark_count, g.positive_sentiment_percent, g.events_7d, g.is_pinned,
           CASE WHEN jsonb_typeof(g.data -> 'tags') = 'array'
                THEN ARRAY(SELECT jsonb_array_elements_text(g.data -> 'tags'))
                ELSE '{}' END AS tags,
           g.data - 'tags' AS data,
           now() AS refreshed_at
    FROM bento_grid_items g
    CROSS JOIN LATERAL public.grid_ranked(g.base_score, g.reader_weight_7d, g.week_of, now()) rank
    WHERE g.is_active AND g.grid_position IS NOT NULL
) ranked
WHERE slot <= coalesce(nullif(current_setting('carnivore.grid_slots', true), '')::integer, 7)
ORDER BY slot;

CREATE UNIQUE INDEX homepage_grid_id ON homepage_grid (id);
REVOKE ALL ON homepage_grid FROM PUBLIC;
GRANT SELECT ON homepage_grid TO anon, authenticated, service_role;
