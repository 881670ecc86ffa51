-- grid_rank: the ranking of the homepage, its formula and every constant, in one place (README,
-- "How the grid is ranked", explains it with real numbers). An item's rank_score is
--
--     prior + readers - age_penalty            (+ boost, in a reader's personalised grid)
--
--   prior        base_score / 10: the score the weekly analysis gave the content (0..100), so
--                0..10 points. It orders a new week until readers take over.
--   readers      10 x log10(1 + weight), weight = the distinct readers' actions of the last 7
--                days (each reader counts once per kind of action, item and hour), weighted by
--                grid_rank_reader_weight(). Log-scaled like Hacker News and Reddit's "hot":
--                every tenfold more engagement adds 10 points, with no cap, so 1,000 and 10,000
--                readers' actions still order correctly.
--   age_penalty  10 points per week since the content's week (Reddit's gravity, at the pace of
--                a weekly site): a week-old item needs ten times the engagement to rank with a
--                new one, and a new week, with no engagement yet, outranks every older item
--                that has none either (10 >= any prior).
--
-- Ties go to the newer week. Each function is pure: the grid admin, the API and the refresh
-- all call these, so what an editor is shown is what ranked the item.

-- The weight of a set of readers' actions: what each kind of action is worth. Positive
-- actions all add; a negative comment or reaction takes some away.
CREATE OR REPLACE FUNCTION public.grid_rank_reader_weight(
    views bigint, clicks bigint, shares bigint, bookmarks bigint, comments bigint,
    positive bigint, negative bigint
) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
    SELECT 1 * coalesce(views, 0) + 2 * coalesce(clicks, 0) + 5 * coalesce(shares, 0)
           + 3 * coalesce(bookmarks, 0) + 2 * coalesce(comments, 0) + 4 * coalesce(positive, 0)
           - 3 * coalesce(negative, 0)
$$;

-- The parts of an item's rank_score as of `as_of`: prior, readers, age_penalty and their sum.
-- `week_of` is the content's week (for editorial items: the day the item was created; unknown:
-- no age). A set-returning SQL function without settings of its own, so that PostgreSQL inlines
-- it where the refresh ranks every active item (grid_rerank, homepage_grid): a function call
-- per item made the re-rank of 10,000 items four times slower. It names only pg_catalog's
-- functions (coalesce and greatest are syntax) and operators, which every search path reads
-- first, so it needs no search_path.
CREATE OR REPLACE FUNCTION public.grid_ranked(
    base_score numeric, reader_weight bigint, week_of date, as_of timestamptz
)
RETURNS TABLE (prior numeric, readers numeric, age_penalty numeric, rank_score numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT parts.prior, parts.readers, parts.age_penalty,
           parts.prior + parts.readers - parts.age_penalty
    FROM (
        SELECT coalesce(base_score, 0) / 10 AS prior,
               10 * pg_catalog.log(10, 1 + greatest(coalesce(reader_weight, 0), 0)::numeric) AS readers,
               10 * greatest(pg_catalog.date_part('epoch', as_of - coalesce(week_of::timestamp AT TIME ZONE 'UTC', as_of))::numeric, 0)
                  / (7 * 86400) AS age_penalty
    ) parts
$$;

COMMENT ON FUNCTION public.grid_ranked(numeric, bigint, date, timestamptz) IS
    'inlined: no search_path of its own, so that the planner inlines it; names only pg_catalog objects';

-- The same parts, one row, for a caller that wants them as a record (the admin, tests).
CREATE OR REPLACE FUNCTION public.grid_rank_parts(
    base_score numeric, reader_weight bigint, week_of date, as_of timestamptz,
    OUT prior numeric, OUT readers numeric, OUT age_penalty numeric, OUT rank_score numeric
)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = '' AS $$
    SELECT r.prior, r.readers, r.age_penalty, r.rank_score
    FROM public.grid_ranked(base_score, reader_weight, week_of, as_of) r
$$;
GRANT EXECUTE ON FUNCTION public.grid_rank_reader_weight(bigint, bigint, bigint, bigint, bigint, bigint, bigint),
                          public.grid_ranked(numeric, bigint, date, timestamptz),
                          public.grid_rank_parts(numeric, bigint, date, timestamptz)
    TO anon, authenticated, service_role;
