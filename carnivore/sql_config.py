"""The SQL objects of the base layer: API roles, Supabase's auth functions, the staff checks
that every app's policies use, and the lockdown of Django's own tables. Each is defined in
`carnivore/sql/<name>.sql` (see carnivore/sql_items.py)."""

from pathlib import Path

from carnivore.sql_items import sql_item

HERE = Path(__file__).parent

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
        "framework_table_privileges",
        reverse="REVOKE ALL ON django_content_type FROM authenticated, service_role",
        dependencies=[("carnivore", "api_roles")],
    ),
]
