-- engagement_rollups_policies: row-level security on engagement_rollups, the hourly counts per
-- content. Public counts: anyone reads them (engagement_sentiment_7d and the dashboard read them
-- as the caller). Only the rollup writes them (engagement_rollup_drain); it is SECURITY DEFINER
-- and runs as the user that runs this file, which FORCE
-- ROW LEVEL SECURITY holds to the policies too: hence that user's own policy at the end.
SELECT app_private.policies_drop('public.engagement_rollups');
ALTER TABLE engagement_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE engagement_rollups FORCE ROW LEVEL SECURITY;
REVOKE ALL ON engagement_rollups FROM anon, authenticated, service_role;
GRANT SELECT ON engagement_rollups TO anon, authenticated, service_role;
CREATE POLICY engagement_rollups_select ON engagement_rollups FOR SELECT
    TO anon, authenticated, service_role USING (true);
-- the rollup (SECURITY DEFINER, run as this user) keeps the rollups
DO $$
BEGIN
    EXECUTE format('CREATE POLICY engagement_rollups_kept_by_triggers ON engagement_rollups FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
