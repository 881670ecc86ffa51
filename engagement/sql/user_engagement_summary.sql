-- user_engagement_summary: each reader's engagement (counts per kind and sentiment, first and
-- last event), for admins and auditors; read by the model engagement.models.UserEngagementSummary
-- (the analytics users API). security_invoker: through content_engagement's policies a reader
-- sees their own line only, admins and auditors every reader's; anonymous callers are refused
-- outright.
CREATE OR REPLACE VIEW user_engagement_summary WITH (security_invoker = true) AS
    SELECT user_id,
           count(*)::integer AS events,
           count(*) FILTER (WHERE interaction_type = 'view')::integer AS views,
           count(*) FILTER (WHERE interaction_type = 'share')::integer AS shares,
           count(*) FILTER (WHERE interaction_type = 'bookmark')::integer AS bookmarks,
           count(*) FILTER (WHERE interaction_type = 'comment')::integer AS comments,
           count(*) FILTER (WHERE interaction_type = 'reaction')::integer AS reactions,
           count(*) FILTER (WHERE sentiment = 'positive')::integer AS positive,
           count(*) FILTER (WHERE sentiment = 'negative')::integer AS negative,
           min(created_at) AS first_event_at,
           max(created_at) AS last_event_at
    FROM content_engagement
    WHERE user_id IS NOT NULL
    GROUP BY user_id;
GRANT SELECT ON user_engagement_summary TO authenticated, service_role;
