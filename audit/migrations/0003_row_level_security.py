"""Row-level security on audit_log: admins and auditors read it; only the audit triggers write.

No API role holds INSERT, UPDATE or DELETE on the table; the audit triggers' functions run as
this migration's user, which gets the one insert policy. The append-only trigger refuses UPDATE
and DELETE to everyone, the owner included.
"""

from django.db import migrations

ENABLE = """
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
"""

DISABLE = """
DROP POLICY audit_log_insert_by_triggers ON audit_log;
DROP POLICY audit_log_select_staff ON audit_log;
REVOKE ALL ON audit_log FROM authenticated;
ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
        ("carnivore", "0002_database_roles"),
    ]

    operations = [migrations.RunSQL(ENABLE, reverse_sql=DISABLE)]
