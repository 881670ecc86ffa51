-- engagement_salts_policies: row-level security on the daily salts of anonymous readers'
-- fingerprints.
-- Nobody but the owner may read or write them: the event trigger (SECURITY DEFINER, run as the
-- user that runs this file) makes the day's salt, the daily job deletes past ones.
SELECT app_private.policies_drop('public.engagement_salts');
ALTER TABLE public.engagement_salts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.engagement_salts FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.engagement_salts FROM anon, authenticated, service_role;
DO $$
BEGIN
    EXECUTE format('CREATE POLICY engagement_salts_kept_by_owner ON public.engagement_salts FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
