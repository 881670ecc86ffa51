-- audit_log_policies: row-level security on audit_log. Admins and auditors read it; only the
-- audit triggers write. No API role holds INSERT, UPDATE or DELETE on the table; the audit
-- triggers' functions run as the user that applies this file, which gets the one insert policy.
-- The append-only trigger refuses UPDATE and DELETE to everyone, the owner included.
SELECT app_private.policies_drop('public.audit_log');
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
REVOKE ALL ON audit_log FROM anon, authenticated, service_role;
GRANT SELECT ON audit_log TO authenticated;

CREATE POLICY audit_log_select_staff ON audit_log FOR SELECT TO authenticated
    USING ((SELECT app_private.is_staff()));

DO $$
BEGIN
    EXECUTE format(
        'CREATE POLICY audit_log_insert_by_triggers ON audit_log FOR INSERT TO %I WITH CHECK (true)',
        current_user);
END
$$;
