-- bento_grid_items_policies: row-level security on the grid items. Everyone reads active rows;
-- admins and auditors read all; admins insert and update; a DELETE by an admin becomes a soft
-- delete (trigger); the service role (the hourly refresh, grid_rerank()) may do all of that. The
-- engagement rollup (SECURITY DEFINER, run as the user that applies this file) creates grid rows
-- and keeps their figures; that same owner policy lets homepage_grid, refreshed as its owner, see the
-- items.
SELECT app_private.policies_drop('public.bento_grid_items');
ALTER TABLE bento_grid_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE bento_grid_items FORCE ROW LEVEL SECURITY;
REVOKE ALL ON bento_grid_items FROM anon, authenticated, service_role;
GRANT SELECT ON bento_grid_items TO anon, authenticated, service_role;
GRANT INSERT, UPDATE, DELETE ON bento_grid_items TO authenticated, service_role;
CREATE POLICY bento_grid_items_select ON bento_grid_items FOR SELECT TO anon, authenticated
    USING (is_active OR (SELECT app_private.is_staff()));
CREATE POLICY bento_grid_items_insert_admin ON bento_grid_items FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY bento_grid_items_update_admin ON bento_grid_items FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY bento_grid_items_delete_admin ON bento_grid_items FOR DELETE TO authenticated
    USING ((SELECT app_private.is_admin()));
CREATE POLICY bento_grid_items_service ON bento_grid_items FOR ALL TO service_role
    USING (true) WITH CHECK (true);
-- the engagement rollup (SECURITY DEFINER, run as this user) keeps grid rows
DO $$
BEGIN
    EXECUTE format('CREATE POLICY bento_grid_items_kept_by_triggers ON bento_grid_items FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
