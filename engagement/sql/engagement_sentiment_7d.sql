-- engagement_sentiment_7d: the public per-content sentiment over the last 7 days (counts and
-- percents only, nothing personal), from the rollups of content that grid_content shows the
-- caller. security_invoker: the caller's own privileges and policies apply. Read by the model
-- engagement.models.ContentSentiment (the sentiment API, the dashboard).
CREATE OR REPLACE VIEW engagement_sentiment_7d WITH (security_invoker = true) AS
    SELECT r.content_type, r.content_id,
           sum(r.events)::integer AS events,
           sum(r.positive)::integer AS positive,
           sum(r.negative)::integer AS negative,
           sum(r.neutral)::integer AS neutral,
           engagement_sentiment_percent(sum(r.positive), sum(r.events)) AS positive_percent,
           round(100.0 * sum(r.negative) / sum(r.events), 2)::numeric(5, 2) AS negative_percent,
           round(100.0 * sum(r.neutral) / sum(r.events), 2)::numeric(5, 2) AS neutral_percent
    FROM engagement_rollups r
    JOIN grid_content c ON c.content_type = r.content_type AND c.content_id = r.content_id
    WHERE r.hour > date_trunc('hour', now(), 'UTC') - interval '168 hours'
    GROUP BY r.content_type, r.content_id
    HAVING sum(r.events) > 0;
GRANT SELECT ON engagement_sentiment_7d TO anon, authenticated, service_role;
