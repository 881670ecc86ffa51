-- top_videos_policies: row-level security on the top videos (content of the grid, read through
-- grid_content). Everyone reads active rows; admins and auditors read all; admins insert and
-- update; a DELETE by an admin becomes a soft delete (trigger); the service role may do all of
-- that. The scoring triggers (SECURITY DEFINER, run as the user that applies this file) read
-- titles and base scores. top_video_weeks' policies read this table under these policies.
SELECT app_private.policies_drop('public.top_videos');
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
-- the scoring triggers (SECURITY DEFINER, run as this user) read content titles
DO $$
BEGIN
    EXECUTE format('CREATE POLICY top_videos_read_by_triggers ON top_videos FOR SELECT TO %I USING (true)', current_user);
END
$$;
