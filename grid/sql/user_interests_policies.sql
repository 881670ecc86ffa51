-- user_interests_policies: row-level security on the readers' interests. Each reader reads,
-- inserts, updates and (soft) deletes their own row only; admins and auditors read all; admins
-- update; the service role may do all.
SELECT app_private.policies_drop('public.user_interests');
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
