-- engagement_figures(as_of_hour): each content's window sums and figures from the rollups, over
-- hourly buckets ending with the hour `as_of_hour`: the last 24 buckets for the score, the last
-- 168 (7 days) for the sentiment. The windows are whole hours (the current hour and the 23 or 167
-- before it), so the figures can be computed from at most 24 + 168 rollup rows and still equal a
-- recount of the raw events. An inlinable SQL function: callers' filters reach the rollups index.
-- Used by engagement_apply (the scoring trigger) and engagement_rescore_all.
CREATE OR REPLACE FUNCTION engagement_figures(as_of_hour timestamptz)
RETURNS TABLE (
    content_type varchar, content_id bigint,
    events_24h integer, views_24h integer, shares_24h integer, bookmarks_24h integer,
    positive_24h integer, events_7d integer, positive_7d integer,
    engagement_score numeric, positive_sentiment_percent numeric
)
LANGUAGE sql STABLE AS $$
    SELECT content_type, content_id, events_24h, views_24h, shares_24h, bookmarks_24h,
           positive_24h, events_7d, positive_7d,
           engagement_score_formula(views_24h, shares_24h, bookmarks_24h, positive_24h, events_24h),
           engagement_sentiment_percent(positive_7d, events_7d)
    FROM (
        SELECT r.content_type, r.content_id,
               coalesce(sum(r.events) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS events_24h,
               coalesce(sum(r.views) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS views_24h,
               coalesce(sum(r.shares) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS shares_24h,
               coalesce(sum(r.bookmarks) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS bookmarks_24h,
               coalesce(sum(r.positive) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS positive_24h,
               sum(r.events)::integer AS events_7d,
               sum(r.positive)::integer AS positive_7d
        FROM engagement_rollups r
        WHERE r.hour > as_of_hour - interval '168 hours' AND r.hour <= as_of_hour
        GROUP BY r.content_type, r.content_id
    ) sums
$$;
GRANT EXECUTE ON FUNCTION engagement_figures(timestamptz) TO anon, authenticated, service_role;
