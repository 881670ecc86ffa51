-- trending_topics_policies: row-level security on the trending topics (content of the grid, read
-- through grid_content). Everyone reads active rows; admins and auditors read all; admins insert
-- and update; a DELETE by an admin becomes a soft delete (trigger); the service role may do all
-- of that. The scoring triggers (SECURITY DEFINER, run as the user that applies this file) read
-- titles and base scores. trending_topic_weeks' policies read this table under these policies.
SELECT app_private.policies_drop('public.trending_topics');
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
-- the scoring triggers (SECURITY DEFINER, run as this user) read content titles
DO $$
BEGIN
    EXECUTE format('CREATE POLICY trending_topics_read_by_triggers ON trending_topics FOR SELECT TO %I USING (true)', current_user);
END
$$;
