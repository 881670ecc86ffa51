-- engagement_votes_policies: row-level security on the readers' votes (one per reader, kind, item
-- and hour).
-- They hold reader keys, so no API role may read them; only the rollup (engagement_rollup_drain,
-- SECURITY DEFINER, run as the user that runs this file) writes them: hence that user's policy.
SELECT app_private.policies_drop('public.engagement_votes');
ALTER TABLE public.engagement_votes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.engagement_votes FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.engagement_votes FROM anon, authenticated, service_role;
DO $$
BEGIN
    EXECUTE format('CREATE POLICY engagement_votes_kept_by_owner ON public.engagement_votes FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
