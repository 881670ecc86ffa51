"""Row-level security on the grid tables (SPEC section 3).

- bento_grid_items, editorial_items: everyone reads active rows; admins and auditors read all;
  admins insert and update; a DELETE by an admin becomes a soft delete (trigger); the service
  role may do all of that. The scoring triggers, which run as this migration's user, create
  grid rows and keep their figures.
- user_interests: each reader reads, inserts, updates and (soft) deletes their own row only;
  admins and auditors read all; admins update; the service role may do all.
- grid_refresh_runs: admins and auditors read the run log; admins and the service role append.
"""

from django.db import migrations

CONTENT_TABLES = ("bento_grid_items", "editorial_items")

ENABLE = """
-- bento_grid_items, editorial_items --------------------------------------------------------
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

-- user_interests ---------------------------------------------------------------------------
ALTER TABLE user_interests ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_interests FORCE ROW LEVEL SECURITY;
REVOKE ALL ON user_interests FROM anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON user_interests TO authenticated, service_role;
CREATE POLICY user_interests_select ON user_interests FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()) OR (SELECT app_private.is_staff()));
CREATE POLICY user_interests_insert_own ON user_interests FOR INSERT TO authenticated
    WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY user_interests_update ON user_interests FOR UPDATE TO authenticated
    USING (user_id = (SELECT auth.uid()) OR (SELECT app_private.is_admin()))
    WITH CHECK (user_id = (SELECT auth.uid()) OR (SELECT app_private.is_admin()));
CREATE POLICY user_interests_delete_own ON user_interests FOR DELETE TO authenticated
    USING (user_id = (SELECT auth.uid()));
CREATE POLICY user_interests_service ON user_interests FOR ALL TO service_role
    USING (true) WITH CHECK (true);

-- grid_refresh_runs ------------------------------------------------------------------------
ALTER TABLE grid_refresh_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE grid_refresh_runs FORCE ROW LEVEL SECURITY;
REVOKE ALL ON grid_refresh_runs FROM anon, authenticated, service_role;
GRANT SELECT, INSERT ON grid_refresh_runs TO authenticated, service_role;
CREATE POLICY grid_refresh_runs_select_staff ON grid_refresh_runs FOR SELECT TO authenticated
    USING ((SELECT app_private.is_staff()));
CREATE POLICY grid_refresh_runs_insert_admin ON grid_refresh_runs FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY grid_refresh_runs_service ON grid_refresh_runs FOR ALL TO service_role
    USING (true) WITH CHECK (true);

-- the scoring triggers (SECURITY DEFINER, run as this user) keep grid rows and read titles --
DO $$
BEGIN
    EXECUTE format('CREATE POLICY bento_grid_items_kept_by_triggers ON bento_grid_items FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
    EXECUTE format('CREATE POLICY editorial_items_read_by_triggers ON editorial_items FOR SELECT TO %I USING (true)', current_user);
END
$$;
"""

DISABLE = (
    """
DROP POLICY bento_grid_items_kept_by_triggers ON bento_grid_items;
DROP POLICY editorial_items_read_by_triggers ON editorial_items;
DROP POLICY grid_refresh_runs_select_staff ON grid_refresh_runs;
DROP POLICY grid_refresh_runs_insert_admin ON grid_refresh_runs;
DROP POLICY grid_refresh_runs_service ON grid_refresh_runs;
DROP POLICY user_interests_select ON user_interests;
DROP POLICY user_interests_insert_own ON user_interests;
DROP POLICY user_interests_update ON user_interests;
DROP POLICY user_interests_delete_own ON user_interests;
DROP POLICY user_interests_service ON user_interests;
"""
    + "".join(
        f"""
DROP POLICY {table}_select ON {table};
DROP POLICY {table}_insert_admin ON {table};
DROP POLICY {table}_update_admin ON {table};
DROP POLICY {table}_delete_admin ON {table};
DROP POLICY {table}_service ON {table};
"""
        for table in CONTENT_TABLES
    )
    + "".join(
        f"""
REVOKE ALL ON {table} FROM anon, authenticated, service_role;
ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
"""
        for table in (*CONTENT_TABLES, "user_interests", "grid_refresh_runs")
    )
)


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0002_audit_triggers"),
        ("carnivore", "0002_database_roles"),
    ]

    operations = [migrations.RunSQL(ENABLE, reverse_sql=DISABLE)]
