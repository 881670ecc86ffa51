"""Row-level security on the trending tables (SPEC section 3).

- creators, trending_topics, top_videos: everyone reads active rows; admins and auditors read
  all; admins insert and update; a DELETE by an admin becomes a soft delete (trigger); the
  service role may do all of that.
- weekly_reports, youtube_crawls: public history; admins and the service role write them.
- trending_topic_weeks, top_video_weeks: readable when their topic or video is (the subquery
  runs under the same policies); admins and the service role write them.
- Nobody deletes history. The scoring triggers, which run as this migration's user, read
  titles and base scores of topics and videos.
"""

from django.db import migrations

CONTENT_TABLES = ("creators", "trending_topics", "top_videos")
HISTORY_TABLES = ("weekly_reports", "youtube_crawls", "trending_topic_weeks", "top_video_weeks")

ENABLE = """
-- creators, trending_topics, top_videos --------------------------------------------------
ALTER TABLE creators ENABLE ROW LEVEL SECURITY;
ALTER TABLE creators FORCE ROW LEVEL SECURITY;
REVOKE ALL ON creators FROM anon, authenticated, service_role;
GRANT SELECT ON creators TO anon, authenticated, service_role;
GRANT INSERT, UPDATE, DELETE ON creators TO authenticated, service_role;
CREATE POLICY creators_select ON creators FOR SELECT TO anon, authenticated
    USING (is_active OR (SELECT app_private.is_staff()));
CREATE POLICY creators_insert_admin ON creators FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY creators_update_admin ON creators FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY creators_delete_admin ON creators FOR DELETE TO authenticated
    USING ((SELECT app_private.is_admin()));
CREATE POLICY creators_service ON creators FOR ALL TO service_role USING (true) WITH CHECK (true);

ALTER TABLE trending_topics ENABLE ROW LEVEL SECURITY;
ALTER TABLE trending_topics FORCE ROW LEVEL SECURITY;
REVOKE ALL ON trending_topics FROM anon, authenticated, service_role;
GRANT SELECT ON trending_topics TO anon, authenticated, service_role;
GRANT INSERT, UPDATE, DELETE ON trending_topics TO authenticated, service_role;
CREATE POLICY trending_topics_select ON trending_topics FOR SELECT TO anon, authenticated
    USING (is_active OR (SELECT app_private.is_staff()));
CREATE POLICY trending_topics_insert_admin ON trending_topics FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY trending_topics_update_admin ON trending_topics FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY trending_topics_delete_admin ON trending_topics FOR DELETE TO authenticated
    USING ((SELECT app_private.is_admin()));
CREATE POLICY trending_topics_service ON trending_topics FOR ALL TO service_role
    USING (true) WITH CHECK (true);

ALTER TABLE top_videos ENABLE ROW LEVEL SECURITY;
ALTER TABLE top_videos FORCE ROW LEVEL SECURITY;
REVOKE ALL ON top_videos FROM anon, authenticated, service_role;
GRANT SELECT ON top_videos TO anon, authenticated, service_role;
GRANT INSERT, UPDATE, DELETE ON top_videos TO authenticated, service_role;
CREATE POLICY top_videos_select ON top_videos FOR SELECT TO anon, authenticated
    USING (is_active OR (SELECT app_private.is_staff()));
CREATE POLICY top_videos_insert_admin ON top_videos FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY top_videos_update_admin ON top_videos FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY top_videos_delete_admin ON top_videos FOR DELETE TO authenticated
    USING ((SELECT app_private.is_admin()));
CREATE POLICY top_videos_service ON top_videos FOR ALL TO service_role USING (true) WITH CHECK (true);

-- weekly history ---------------------------------------------------------------------------
ALTER TABLE weekly_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE weekly_reports FORCE ROW LEVEL SECURITY;
REVOKE ALL ON weekly_reports FROM anon, authenticated, service_role;
GRANT SELECT ON weekly_reports TO anon, authenticated, service_role;
GRANT INSERT, UPDATE ON weekly_reports TO authenticated, service_role;
CREATE POLICY weekly_reports_select ON weekly_reports FOR SELECT TO anon, authenticated USING (true);
CREATE POLICY weekly_reports_insert_admin ON weekly_reports FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY weekly_reports_update_admin ON weekly_reports FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY weekly_reports_service ON weekly_reports FOR ALL TO service_role
    USING (true) WITH CHECK (true);

ALTER TABLE youtube_crawls ENABLE ROW LEVEL SECURITY;
ALTER TABLE youtube_crawls FORCE ROW LEVEL SECURITY;
REVOKE ALL ON youtube_crawls FROM anon, authenticated, service_role;
GRANT SELECT ON youtube_crawls TO anon, authenticated, service_role;
GRANT INSERT, UPDATE ON youtube_crawls TO authenticated, service_role;
CREATE POLICY youtube_crawls_select ON youtube_crawls FOR SELECT TO anon, authenticated USING (true);
CREATE POLICY youtube_crawls_insert_admin ON youtube_crawls FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY youtube_crawls_update_admin ON youtube_crawls FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY youtube_crawls_service ON youtube_crawls FOR ALL TO service_role
    USING (true) WITH CHECK (true);

ALTER TABLE trending_topic_weeks ENABLE ROW LEVEL SECURITY;
ALTER TABLE trending_topic_weeks FORCE ROW LEVEL SECURITY;
REVOKE ALL ON trending_topic_weeks FROM anon, authenticated, service_role;
GRANT SELECT ON trending_topic_weeks TO anon, authenticated, service_role;
GRANT INSERT, UPDATE ON trending_topic_weeks TO authenticated, service_role;
CREATE POLICY trending_topic_weeks_select ON trending_topic_weeks FOR SELECT TO anon, authenticated
    USING (EXISTS (SELECT 1 FROM trending_topics t WHERE t.id = trending_topic_weeks.topic_id));
CREATE POLICY trending_topic_weeks_insert_admin ON trending_topic_weeks FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY trending_topic_weeks_update_admin ON trending_topic_weeks FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY trending_topic_weeks_service ON trending_topic_weeks FOR ALL TO service_role
    USING (true) WITH CHECK (true);

ALTER TABLE top_video_weeks ENABLE ROW LEVEL SECURITY;
ALTER TABLE top_video_weeks FORCE ROW LEVEL SECURITY;
REVOKE ALL ON top_video_weeks FROM anon, authenticated, service_role;
GRANT SELECT ON top_video_weeks TO anon, authenticated, service_role;
GRANT INSERT, UPDATE ON top_video_weeks TO authenticated, service_role;
CREATE POLICY top_video_weeks_select ON top_video_weeks FOR SELECT TO anon, authenticated
    USING (EXISTS (SELECT 1 FROM top_videos v WHERE v.id = top_video_weeks.video_id));
CREATE POLICY top_video_weeks_insert_admin ON top_video_weeks FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY top_video_weeks_update_admin ON top_video_weeks FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY top_video_weeks_service ON top_video_weeks FOR ALL TO service_role
    USING (true) WITH CHECK (true);

-- the scoring triggers (SECURITY DEFINER, run as this user) read content titles --------------
DO $$
BEGIN
    EXECUTE format('CREATE POLICY trending_topics_read_by_triggers ON trending_topics FOR SELECT TO %I USING (true)', current_user);
    EXECUTE format('CREATE POLICY top_videos_read_by_triggers ON top_videos FOR SELECT TO %I USING (true)', current_user);
END
$$;
"""

DISABLE = (
    """
DROP POLICY trending_topics_read_by_triggers ON trending_topics;
DROP POLICY top_videos_read_by_triggers ON top_videos;
"""
    + "".join(
        f"""
DROP POLICY {table}_select ON {table};
DROP POLICY {table}_insert_admin ON {table};
DROP POLICY {table}_update_admin ON {table};
DROP POLICY {table}_service ON {table};
REVOKE ALL ON {table} FROM anon, authenticated, service_role;
ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
"""
        for table in CONTENT_TABLES + HISTORY_TABLES
    )
    + "".join(f"DROP POLICY {table}_delete_admin ON {table};\n" for table in CONTENT_TABLES)
)


class Migration(migrations.Migration):
    dependencies = [
        ("trending", "0002_audit_triggers"),
        ("carnivore", "0002_database_roles"),
    ]

    operations = [migrations.RunSQL(ENABLE, reverse_sql=DISABLE)]
