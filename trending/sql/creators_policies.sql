-- creators_policies: row-level security on the creators of the top videos (read by
-- creator_performance). Everyone reads active rows; admins and auditors read all; admins insert
-- and update; a DELETE by an admin becomes a soft delete (trigger); the service role may do all
-- of that.
SELECT app_private.policies_drop('public.creators');
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
