-- engagement_toggles_policies: row-level security on the readers' standing bookmarks and
-- reactions (one per reader, toggle and item: engagement.models.EngagementToggle).
-- They hold reader keys, so no API role may read them; only the rollup (engagement_rollup_drain,
-- SECURITY DEFINER, run as the user that runs this file) writes them, and the erasure
-- (engagement_reader_erase) re-keys them: hence that user's policy.
SELECT app_private.policies_drop('public.engagement_toggles');
ALTER TABLE public.engagement_toggles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.engagement_toggles FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.engagement_toggles FROM anon, authenticated, service_role;
DO $$
BEGIN
    EXECUTE format('CREATE POLICY engagement_toggles_kept_by_owner ON public.engagement_toggles FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
