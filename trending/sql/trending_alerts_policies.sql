-- trending_alerts_policies: row-level security on the trending alerts (trending/alerts.py). The
-- import (admin) appends alerts; the service role delivers them; admins and auditors read them.
SELECT app_private.policies_drop('public.trending_alerts');
ALTER TABLE trending_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE trending_alerts FORCE ROW LEVEL SECURITY;
REVOKE ALL ON trending_alerts FROM anon, authenticated, service_role;
GRANT SELECT, INSERT ON trending_alerts TO authenticated;
GRANT SELECT, INSERT, UPDATE ON trending_alerts TO service_role;
CREATE POLICY trending_alerts_select_staff ON trending_alerts FOR SELECT TO authenticated
    USING ((SELECT app_private.is_staff()));
CREATE POLICY trending_alerts_insert_admin ON trending_alerts FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY trending_alerts_service ON trending_alerts FOR ALL TO service_role
    USING (true) WITH CHECK (true);
