-- youtube_crawls_policies: row-level security on the YouTube crawls: public history; admins
-- and the service role write it. Nobody deletes history.
SELECT app_private.policies_drop('public.youtube_crawls');
ALTER TABLE youtube_crawls ENABLE ROW LEVEL SECURITY;
ALTER TABLE youtube_crawls FORCE ROW LEVEL SECURITY;
REVOKE ALL ON youtube_crawls FROM anon, authenticated, service_role;
GRANT SELECT ON youtube_crawls TO anon, authenticated, service_role;
GRANT INSERT, UPDATE ON youtube_crawls TO authenticated, service_role;
CREATE POLICY youtube_crawls_select ON youtube_crawls FOR SELECT TO anon, authenticated USING (true);
CREATE POLICY youtube_crawls_insert_admin ON youtube_crawls FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY youtube_crawls_update_admin ON youtube_crawls FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY youtube_crawls_service ON youtube_crawls FOR ALL TO service_role
    USING (true) WITH CHECK (true);
