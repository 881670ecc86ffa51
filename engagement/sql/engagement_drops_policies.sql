-- engagement_drops_policies: row-level security on engagement_drops, the log of dropped bot
-- requests. Anyone appends (the events API records dropped bot requests under the caller's role,
-- engagement.services.engagement_drop_record); admins, auditors and the service role read it.
SELECT app_private.policies_drop('public.engagement_drops');
ALTER TABLE engagement_drops ENABLE ROW LEVEL SECURITY;
ALTER TABLE engagement_drops FORCE ROW LEVEL SECURITY;
REVOKE ALL ON engagement_drops FROM anon, authenticated, service_role;
GRANT INSERT ON engagement_drops TO anon, authenticated, service_role;
GRANT SELECT ON engagement_drops TO authenticated, service_role;
CREATE POLICY engagement_drops_insert ON engagement_drops FOR INSERT
    TO anon, authenticated, service_role WITH CHECK (true);
CREATE POLICY engagement_drops_select_staff ON engagement_drops FOR SELECT TO authenticated
    USING ((SELECT app_private.is_staff()));
CREATE POLICY engagement_drops_select_service ON engagement_drops FOR SELECT TO service_role
    USING (true);
