"""The database's idea of who is asking: Supabase's roles and auth functions, and staff checks.

- Roles `anon`, `authenticated`, `service_role` (NOLOGIN), created when absent and reused where
  they exist (Supabase ships them). The migrating user becomes a member, so it may SET ROLE.
- `auth.uid()`, `auth.role()`, `auth.jwt()`, created when absent with Supabase's definitions:
  they read the transaction-local setting `request.jwt.claims`.
- `app_private.is_admin()` / `app_private.is_staff()`: staff checks for policies, SECURITY
  DEFINER with an empty search_path, in a schema no API exposes.
- Deny by default: the three roles lose every privilege on Django's own tables (Supabase grants
  them everything in `public` by default) and on tables this user creates later; each app's
  row-level security migration grants back exactly what its tables need.

Roles and the `auth` schema belong to the whole cluster (and on Supabase to the platform), so
reversing this migration leaves them in place.
"""

from django.db import migrations

CREATE_ROLES = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN NOINHERIT;
    END IF;
END
$$;
-- The connecting user switches to these roles with SET LOCAL ROLE for every request and job.
-- Granted only where it may not switch yet: from PostgreSQL 16 granting a membership takes the
-- ADMIN option, which a non-superuser owner that is already a member (Supabase's `postgres`)
-- does not hold; switching takes the SET option there, mere membership before.
DO $$
DECLARE
    api_role text;
BEGIN
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT pg_has_role(current_user, api_role,
                           CASE WHEN current_setting('server_version_num')::integer >= 160000
                                THEN 'SET' ELSE 'MEMBER' END) THEN
            EXECUTE format('GRANT %I TO CURRENT_USER', api_role);
        END IF;
    END LOOP;
END
$$;
"""

CREATE_AUTH_FUNCTIONS = """
CREATE SCHEMA IF NOT EXISTS auth;
DO $$
BEGIN
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid SET search_path TO '' AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
            )::uuid
        $f$ LANGUAGE sql STABLE;
        GRANT EXECUTE ON FUNCTION auth.uid() TO anon, authenticated, service_role;
    END IF;
    IF to_regprocedure('auth.role()') IS NULL THEN
        CREATE FUNCTION auth.role() RETURNS text SET search_path TO '' AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.role', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
            )::text
        $f$ LANGUAGE sql STABLE;
        GRANT EXECUTE ON FUNCTION auth.role() TO anon, authenticated, service_role;
    END IF;
    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb SET search_path TO '' AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $f$ LANGUAGE sql STABLE;
        GRANT EXECUTE ON FUNCTION auth.jwt() TO anon, authenticated, service_role;
    END IF;
    IF (SELECT nspowner = current_user::regrole FROM pg_namespace WHERE nspname = 'auth') THEN
        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
    END IF;
END
$$;
"""

CREATE_STAFF_CHECKS = """
CREATE SCHEMA IF NOT EXISTS app_private;
REVOKE ALL ON SCHEMA app_private FROM PUBLIC;
GRANT USAGE ON SCHEMA app_private TO anon, authenticated, service_role;

-- The staff role the request's claims carry in app_metadata.role: 'admin', 'auditor' or NULL.
CREATE OR REPLACE FUNCTION app_private.app_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path TO '' AS $$
    SELECT (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'
$$;

-- Editors, superusers and the weekly import: may change grid and content.
CREATE OR REPLACE FUNCTION app_private.is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path TO '' AS $$
    SELECT coalesce(app_private.app_role() = 'admin', false)
$$;

-- Admins and auditors: may read everything, including inactive rows and the audit log.
CREATE OR REPLACE FUNCTION app_private.is_staff() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path TO '' AS $$
    SELECT coalesce(app_private.app_role() IN ('admin', 'auditor'), false)
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app_private FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app_private TO anon, authenticated, service_role;
"""

DROP_STAFF_CHECKS = "DROP SCHEMA app_private CASCADE;"

# Django's own tables hold password hashes, tokens and job payloads: no API role may touch them.
# The admin reads them (log entries, accounts) as the connecting role (see carnivore.db_context).
LOCK_DOWN_FRAMEWORK_TABLES = """
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role;
-- Functions stay executable by PUBLIC (PostgreSQL's default); each SECURITY DEFINER function
-- revokes that itself where it is created.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM anon, authenticated, service_role;
REVOKE ALL ON
    carnivore_user, carnivore_user_groups, carnivore_user_user_permissions,
    auth_group, auth_group_permissions, auth_permission, django_content_type,
    django_admin_log, authtoken_token, django_migrations,
    django_q_ormq, django_q_schedule, django_q_task
FROM anon, authenticated, service_role;
-- Content types are public metadata the admin looks up while running under a request's role.
GRANT SELECT ON django_content_type TO authenticated, service_role;
"""

UNLOCK_FRAMEWORK_TABLES = """
REVOKE ALL ON django_content_type FROM authenticated, service_role;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("carnivore", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.RunSQL(CREATE_ROLES, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(CREATE_AUTH_FUNCTIONS, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(CREATE_STAFF_CHECKS, reverse_sql=DROP_STAFF_CHECKS),
        migrations.RunSQL(LOCK_DOWN_FRAMEWORK_TABLES, reverse_sql=UNLOCK_FRAMEWORK_TABLES),
    ]
