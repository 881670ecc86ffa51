-- engagement_sentiment_percent(positive, events): the positive sentiment percent (SPEC section 4):
-- 100 x positive / all events over the 7-day window, 50 when there are none. Used by
-- engagement_figures_update (the rollup and the hourly rescore), engagement_score_drift and the view
-- engagement_sentiment_7d.
CREATE OR REPLACE FUNCTION engagement_sentiment_percent(positive bigint, events bigint)
RETURNS numeric(5, 2)
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
    SELECT CASE WHEN coalesce(events, 0) > 0
                THEN round(100.0 * coalesce(positive, 0) / events, 2)
                ELSE 50 END::numeric(5, 2)
$$;
GRANT EXECUTE ON FUNCTION engagement_sentiment_percent(bigint, bigint)
    TO anon, authenticated, service_role;
