"""The SQL objects of the base layer: API roles, Supabase's auth functions, the staff checks
that every app's policies use, and the lockdown of Django's own tables. Each is defined in
`carnivore/sql/<name>.sql` (see carnivore/sql_items.py)."""

from pathlib import Path

from carnivore.sql_items import sql_item

HERE = Path(__file__).parent

# Row-level security off again on Django's tables, their policies and carnivore_runtime's grants
# gone (the API roles' revocations and default privileges stay: they granted nothing).
FRAMEWORK_TABLE_PRIVILEGES_REVERSE = """
DO $$
DECLARE
    framework_table regclass;
BEGIN
    FOR framework_table IN
        SELECT DISTINCT polrelid::regclass FROM pg_catalog.pg_policy
        WHERE polname = pg_catalog.format('%s_runtime', polrelid::regclass::text)
    LOOP
        PERFORM app_private.policies_drop(framework_table);
        EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', framework_table);
        EXECUTE format('REVOKE ALL ON %s FROM carnivore_runtime', framework_table);
    END LOOP;
END
$$;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM carnivore_runtime;
REVOKE ALL ON django_content_type FROM authenticated, service_role;
"""

sql_items = [
    # Cluster- and platform-wide objects that Supabase may own: created when absent, never dropped.
    sql_item(HERE, "api_roles", reverse=""),
    sql_item(HERE, "supabase_auth", reverse="", dependencies=[("carnivore", "api_roles")]),
    sql_item(
        HERE,
        "app_private",
        reverse="DROP SCHEMA app_private",
        dependencies=[("carnivore", "api_roles")],
    ),
    sql_item(
        HERE,
        "app_role",
        reverse="DROP FUNCTION app_private.app_role()",
        dependencies=[("carnivore", "app_private"), ("carnivore", "supabase_auth")],
    ),
    sql_item(
        HERE,
        "is_admin",
        reverse="DROP FUNCTION app_private.is_admin()",
        dependencies=[("carnivore", "app_role")],
    ),
    sql_item(
        HERE,
        "is_staff",
        reverse="DROP FUNCTION app_private.is_staff()",
        dependencies=[("carnivore", "app_role")],
    ),
    sql_item(
        HERE,
        "policies_drop",
        reverse="DROP FUNCTION app_private.policies_drop(regclass)",
        dependencies=[("carnivore", "app_private")],
    ),
    sql_item(
        HERE,
        "runtime_role",
        reverse="",
        dependencies=[("carnivore", "api_roles")],
    ),
    sql_item(
        HERE,
        "security_declared",
        reverse="DROP TABLE app_private.security_declared",
        dependencies=[("carnivore", "app_private"), ("carnivore", "runtime_role")],
    ),
    sql_item(
        HERE,
        "framework_table_privileges",
        reverse=FRAMEWORK_TABLE_PRIVILEGES_REVERSE,
        dependencies=[
            ("carnivore", "api_roles"),
            ("carnivore", "runtime_role"),
            ("carnivore", "policies_drop"),
        ],
    ),
]
