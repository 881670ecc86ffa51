"""`user_engagement_summary`: each reader's engagement, for admins and auditors.

`security_invoker`: through content_engagement's policies a reader sees their own line only,
admins and auditors every reader's; anonymous callers are refused outright.
"""

from django.db import migrations

CREATE = """
CREATE VIEW user_engagement_summary WITH (security_invoker = true) AS
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
"""

DROP = "DROP VIEW user_engagement_summary;"


class Migration(migrations.Migration):
    dependencies = [("engagement", "0010_rollups_for_hot_updates")]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
