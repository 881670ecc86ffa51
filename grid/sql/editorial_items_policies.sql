-- editorial_items_policies: row-level security on the editorial items (content of the grid, read
-- through grid_content). Everyone reads active rows; admins and auditors read all; admins insert
-- and update; a DELETE by an admin becomes a soft delete (trigger); the service role may do all
-- of that. The scoring triggers (SECURITY DEFINER, run as the user that applies this file) read
-- their titles.
SELECT app_private.policies_drop('public.editorial_items');
ALTER TABLE editorial_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE editorial_items FORCE ROW LEVEL SECURITY;
REVOKE ALL ON editorial_items FROM anon, authenticated, service_role;
GRANT SELECT ON editorial_items TO anon, authenticated, service_role;
GRANT INSERT, UPDATE, DELETE ON editorial_items TO authenticated, service_role;
CREATE POLICY editorial_items_select ON editorial_items FOR SELECT TO anon, authenticated
    USING (is_active OR (SELECT app_private.is_staff()));
CREATE POLICY editorial_items_insert_admin ON editorial_items FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY editorial_items_update_admin ON editorial_items FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY editorial_items_delete_admin ON editorial_items FOR DELETE TO authenticated
    USING ((SELECT app_private.is_admin()));
CREATE POLICY editorial_items_service ON editorial_items FOR ALL TO service_role
    USING (true) WITH CHECK (true);
-- the scoring triggers (SECURITY DEFINER, run as this user) read titles
DO $$
BEGIN
    EXECUTE format('CREATE POLICY editorial_items_read_by_triggers ON editorial_items FOR SELECT TO %I USING (true)', current_user);
END
$$;
