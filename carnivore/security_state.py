"""The security state of the database, as declared by the source files and as it is live.

The state is what decides who may do what: every row-level security policy on a table in
`public`, every privilege the API roles (anon, authenticated, service_role) hold in effect on the
schema's tables, views, sequences, functions and schemas (directly, through PUBLIC or through
another role), and the definition of every function and operator of the schema.

The declared state is what the migrations leave: `security_declared_record`, run by `migrate`
once every migration is applied, re-creates every SQL object from its source file (as
carnivore.sql_items.sql_sources_drift does) in a savepoint that it rolls back, reads the state,
and keeps it in `app_private.security_declared`. `manage.py doctor` then compares the live state
with that record without any DDL or lock (`security_drift`): a policy dropped, changed or added by
hand, a privilege granted beyond the declared ones, a function replaced, are each named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from carnivore.db_context import ANON, AUTHENTICATED, SERVICE_ROLE
from carnivore.sql_items import sql_items_in_order

API_ROLES = (ANON, AUTHENTICATED, SERVICE_ROLE)
SCHEMAS = ("public", "app_private")

# (kind, object, detail) rows. Partitions are left out (they are created every month and have
# a check of their own); every privilege is the one in effect for the role.
SECURITY_STATE = """
SELECT 'policy', p.tablename || '.' || p.policyname,
       concat_ws(' ', p.permissive, 'FOR', p.cmd, 'TO', p.roles::text,
                 'USING', p.qual, 'WITH CHECK', p.with_check)
FROM pg_catalog.pg_policies p
WHERE p.schemaname = 'public'
UNION ALL
SELECT 'privilege',
       CASE c.relkind WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view ' WHEN 'm' THEN 'view '
                      ELSE 'table ' END || c.relname,
       r.rolname || ' ' || p.privilege
FROM pg_catalog.pg_class c
CROSS JOIN pg_catalog.pg_roles r
CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                        'TRIGGER', 'USAGE']) AS p (privilege)
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
  AND NOT c.relispartition AND r.rolname = ANY(%(roles)s)
  AND CASE WHEN c.relkind = 'S'
           THEN p.privilege IN ('SELECT', 'UPDATE', 'USAGE')
                AND pg_catalog.has_sequence_privilege(r.oid, c.oid, p.privilege)
           WHEN p.privilege IN ('DELETE', 'TRUNCATE', 'TRIGGER')
           THEN pg_catalog.has_table_privilege(r.oid, c.oid, p.privilege)
           WHEN p.privilege = 'USAGE' THEN false
           ELSE pg_catalog.has_any_column_privilege(r.oid, c.oid, p.privilege) END
UNION ALL
SELECT 'privilege', 'function ' || f.oid::regprocedure::text, r.rolname || ' EXECUTE'
FROM pg_catalog.pg_proc f
JOIN pg_catalog.pg_namespace n ON n.oid = f.pronamespace
CROSS JOIN pg_catalog.pg_roles r
WHERE n.nspname = ANY(%(schemas)s) AND r.rolname = ANY(%(roles)s)
  AND pg_catalog.has_function_privilege(r.oid, f.oid, 'EXECUTE')
UNION ALL
SELECT 'privilege', 'schema ' || n.nspname, r.rolname || ' ' || p.privilege
FROM pg_catalog.pg_namespace n
CROSS JOIN pg_catalog.pg_roles r
CROSS JOIN unnest(ARRAY['CREATE', 'USAGE']) AS p (privilege)
WHERE n.nspname = ANY(%(schemas)s) AND r.rolname = ANY(%(roles)s)
  AND pg_catalog.has_schema_privilege(r.oid, n.oid, p.privilege)
UNION ALL
SELECT 'function', f.oid::regprocedure::text, md5(pg_catalog.pg_get_functiondef(f.oid))
FROM pg_catalog.pg_proc f
JOIN pg_catalog.pg_namespace n ON n.oid = f.pronamespace
WHERE n.nspname = ANY(%(schemas)s) AND f.prokind IN ('f', 'p')
UNION ALL
SELECT 'operator', o.oid::regoperator::text, o.oprcode::regprocedure::text
FROM pg_catalog.pg_operator o
JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname = ANY(%(schemas)s)
"""

_DECLARED = "SELECT kind, object, detail FROM app_private.security_declared"
_DECLARED_EXISTS = "SELECT to_regclass('app_private.security_declared') IS NOT NULL"

State = set[tuple[str, str, str]]


def security_state(cursor) -> State:
    """Return the live security state as (kind, object, detail) rows."""
    cursor.execute(SECURITY_STATE, {"roles": list(API_ROLES), "schemas": list(SCHEMAS)})
    return set(cursor.fetchall())


def security_declared_record(connection) -> int:
    """Record the security state that the source files declare; return how many rows.

    Every SQL object is removed and created again from its source file in a savepoint that is
    always rolled back, so the record holds what the files grant even where the database has
    drifted. Runs the DDL of every file: meant for `migrate`, which holds those locks anyway.
    """
    items = sql_items_in_order()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Rows written earlier in this transaction (a test's) may not leave constraint checks
        # pending on a table the files alter: check them now, as Django's check_constraints does.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SAVEPOINT security_declared")
        for _app_label, item in reversed(items):
            if item.reverse_sql:
                cursor.execute(item.reverse_sql)
        for _app_label, item in items:
            cursor.execute(item.sql)
        declared = security_state(cursor)
        cursor.execute("ROLLBACK TO SAVEPOINT security_declared")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("TRUNCATE app_private.security_declared")
        cursor.executemany(
            "INSERT INTO app_private.security_declared (kind, object, detail) VALUES (%s, %s, %s)",
            sorted(declared),
        )
    return len(declared)


@dataclass(frozen=True)
class Drift:
    """One difference between the live and the declared state."""

    kind: str  # policy, privilege, function, operator
    object: str
    declared: str | None  # None: not declared (extra)
    live: str | None  # None: declared but gone (missing)

    def __str__(self) -> str:
        if self.kind == "privilege":
            role, privilege = (self.live or self.declared).split(" ", 1)
            if self.declared is None:
                return f"{role} has {privilege} on {self.object}, which no source file grants"
            return f"{role} lacks {privilege} on {self.object}, which its source file grants"
        if self.declared is None:
            detail = f" ({self.live})" if self.kind in ("policy", "operator") else ""
            return f"extra {self.kind} {self.object}{detail}"
        if self.live is None:
            return f"{self.kind} {self.object} is missing"
        detail = f": now {self.live}" if self.kind == "policy" else ""
        return f"{self.kind} {self.object} was changed{detail}"


def security_drift(cursor) -> list[Drift] | None:
    """Return how the live security state differs from the declared one, or None when no
    declared state was recorded (a database migrated without this project's `migrate`)."""
    cursor.execute(_DECLARED_EXISTS)
    if not cursor.fetchone()[0]:
        return None
    cursor.execute(_DECLARED)
    declared = set(cursor.fetchall())
    if not declared:
        return None
    return _differences(declared, security_state(cursor))


def _keyed(state: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    # Privileges are one row each (role and privilege in the detail); the rest one per object.
    return {
        (kind, f"{obj} {detail}" if kind == "privilege" else obj): detail
        for kind, obj, detail in state
    }


def _differences(declared: State, live: State) -> list[Drift]:
    declared_by_key, live_by_key = _keyed(declared), _keyed(live)
    drift = []
    for key in sorted(declared_by_key.keys() | live_by_key.keys()):
        kind, obj = key
        if kind == "privilege":
            obj = obj.rsplit(" ", 2)[0]
        before, now = declared_by_key.get(key), live_by_key.get(key)
        if before != now:
            drift.append(Drift(kind, obj, before, now))
    return drift
