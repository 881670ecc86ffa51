-- engagement_event_keys_policies: row-level security on engagement_event_keys, the client-chosen
-- event_uuid of every stored event. Only the trigger skip_repeated_event reads and writes it; no
-- API role may. The trigger is SECURITY DEFINER and runs as the user that runs this file, which
-- FORCE ROW LEVEL SECURITY holds to the policies too: hence that user's own policy at the end.
SELECT app_private.policies_drop('public.engagement_event_keys');
ALTER TABLE engagement_event_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE engagement_event_keys FORCE ROW LEVEL SECURITY;
REVOKE ALL ON engagement_event_keys FROM anon, authenticated, service_role;
-- the event triggers (SECURITY DEFINER, run as this user) keep the event keys
DO $$
BEGIN
    EXECUTE format('CREATE POLICY engagement_event_keys_kept_by_triggers ON engagement_event_keys FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
