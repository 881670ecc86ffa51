-- engagement_rollup_state_policies: row-level security on the rollup's watermark. The service
-- role reads it (the doctor reports how far behind the rollup is); only the rollup
-- (engagement_rollup_drain, SECURITY DEFINER, run as the user that runs this file) writes it.
SELECT app_private.policies_drop('public.engagement_rollup_state');
ALTER TABLE public.engagement_rollup_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.engagement_rollup_state FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.engagement_rollup_state FROM anon, authenticated, service_role;
GRANT SELECT ON public.engagement_rollup_state TO service_role;
CREATE POLICY engagement_rollup_state_select_service ON public.engagement_rollup_state
    FOR SELECT TO service_role USING (true);
DO $$
BEGIN
    EXECUTE format('CREATE POLICY engagement_rollup_state_kept_by_owner ON public.engagement_rollup_state FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
