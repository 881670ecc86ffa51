-- engagement_rollup_ahead_policies: row-level security on the rollup's note of events it counted
-- inside their own transaction. Only the rollup (engagement_rollup_drain, SECURITY DEFINER, run
-- as the user that runs this file) reads and writes it: hence that user's policy.
SELECT app_private.policies_drop('public.engagement_rollup_ahead');
ALTER TABLE public.engagement_rollup_ahead ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.engagement_rollup_ahead FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.engagement_rollup_ahead FROM anon, authenticated, service_role;
DO $$
BEGIN
    EXECUTE format('CREATE POLICY engagement_rollup_ahead_kept_by_owner ON public.engagement_rollup_ahead FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
