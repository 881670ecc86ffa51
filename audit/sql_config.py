"""The SQL objects of the audit log: its row-level security. Defined in
`audit/sql/<name>.sql` (see carnivore/sql_items.py)."""

from pathlib import Path

from carnivore.sql_items import sql_item

HERE = Path(__file__).parent

sql_items = [
    sql_item(
        HERE,
        "audit_log_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.audit_log');\n"
            "REVOKE ALL ON audit_log FROM anon, authenticated, service_role;\n"
            "ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[("carnivore", "policies_drop"), ("carnivore", "is_staff")],
    ),
]
