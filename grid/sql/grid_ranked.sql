-- grid_ranked(base_score, reader_weight, week_of, as_of): the ranking formula of grid_rank.sql
-- (its constants and why they are so are explained there), as a set-returning SQL function.
-- The parts of an item's rank_score as of `as_of`: prior, readers, age_penalty and their sum.
-- `week_of` is the content's week (for editorial items: the day the item was created; unknown:
-- no age). A set-returning SQL function without settings of its own, so that PostgreSQL inlines
-- it where the refresh ranks every active item (grid_rerank, homepage_grid): a function call
-- per item made the re-rank of 10,000 items four times slower. In double precision (15
-- significant digits; monotone, and the same inputs always give the same score): numeric's
-- arbitrary-precision logarithm and arithmetic cost 17 us an item, most of a 10,000-item refresh
-- (measured: the ranking sort of 10,000 items 42 ms in numeric, 17 ms in double precision). It
-- names only pg_catalog's
-- functions (coalesce and greatest are syntax) and operators, which every search path reads
-- first, so it needs no search_path.
CREATE OR REPLACE FUNCTION public.grid_ranked(
    base_score numeric, reader_weight bigint, week_of date, as_of timestamptz
)
RETURNS TABLE (
    prior double precision, readers double precision, age_penalty double precision,
    rank_score double precision
)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT parts.prior, parts.readers, parts.age_penalty,
           parts.prior + parts.readers - parts.age_penalty
    FROM (
        SELECT coalesce(base_score, 0)::float8 / 10 AS prior,
               10 * pg_catalog.log(1 + greatest(coalesce(reader_weight, 0), 0)::float8) AS readers,
               10 * greatest(pg_catalog.date_part('epoch', as_of - coalesce(week_of::timestamp AT TIME ZONE 'UTC', as_of)), 0)
                  / (7 * 86400) AS age_penalty
    ) parts
$$;

COMMENT ON FUNCTION public.grid_ranked(numeric, bigint, date, timestamptz) IS
    'inlined: no search_path of its own, so that the planner inlines it; names only pg_catalog objects';
GRANT EXECUTE ON FUNCTION public.grid_ranked(numeric, bigint, date, timestamptz)
    TO anon, authenticated, service_role;
