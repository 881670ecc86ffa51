-- grid_rank: the ranking of the homepage, its formula and every constant (README,
-- "How the grid is ranked", explains it with real numbers). An item's rank_score is
--
--     prior + readers - age_penalty            (+ boost, in a reader's personalised grid)
--
--   prior        base_score / 10: the score the weekly analysis gave the content (0..100), so
--                0..10 points. It orders a new week until readers take over.
--   readers      10 x log10(1 + weight), weight = the distinct readers' actions of the last 7
--                days (each reader counts once per kind of action, item and hour; a bookmark or
--                reaction once, while it stands: not taken back or replaced, see
--                engagement_toggle), weighted by grid_rank_reader_weight(). Log-scaled like Hacker News and Reddit's "hot":
--                every tenfold more engagement adds 10 points, with no cap, so 1,000 and 10,000
--                readers' actions still order correctly.
--   age_penalty  10 points per week since the content's week (Reddit's gravity, at the pace of
--                a weekly site): a week-old item needs ten times the engagement to rank with a
--                new one, and a new week, with no engagement yet, outranks every older item
--                that has none either (10 >= any prior).
--
-- The formula below is grid_ranked() (grid/sql/grid_ranked.sql, a function of its own so that
-- the refresh inlines it); the weights of readers' actions are here. Ties go to the newer week.
-- Each function is pure: the grid admin, the API and the refresh
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

GRANT EXECUTE ON FUNCTION public.grid_rank_reader_weight(bigint, bigint, bigint, bigint, bigint, bigint, bigint)
    TO anon, authenticated, service_role;
