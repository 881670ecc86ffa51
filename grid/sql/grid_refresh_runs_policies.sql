-- grid_refresh_runs_policies: row-level security on the run log of the hourly grid refresh
-- (grid/services.py records each run). Admins and auditors read the run log; admins and the
-- service role append.
SELECT app_private.policies_drop('public.grid_refresh_runs');
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
