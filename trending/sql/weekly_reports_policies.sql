-- weekly_reports_policies: row-level security on the weekly reports: public history; admins
-- and the service role write it. Nobody deletes history.
SELECT app_private.policies_drop('public.weekly_reports');
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
