-- engagement_score_formula(views, shares, bookmarks, positive, events): the engagement score
-- (SPEC section 4), in one place: views + 5 x shares + 3 x bookmarks + 20 x positive / all events,
-- summed over the 24-hour window, clamped to 0..100, 2 decimals. Used by
-- engagement_figures_update (the rollup and the hourly rescore) and engagement_score_drift.
CREATE OR REPLACE FUNCTION engagement_score_formula(
    views bigint, shares bigint, bookmarks bigint, positive bigint, events bigint
) RETURNS numeric(5, 2)
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
    SELECT least(100, greatest(0, round(
        coalesce(views, 0) + 5 * coalesce(shares, 0) + 3 * coalesce(bookmarks, 0)
        + CASE WHEN coalesce(events, 0) > 0 THEN 20.0 * coalesce(positive, 0) / events ELSE 0 END,
    2)))::numeric(5, 2)
$$;
GRANT EXECUTE ON FUNCTION engagement_score_formula(bigint, bigint, bigint, bigint, bigint)
    TO anon, authenticated, service_role;
