"""carnivore's checks for `manage.py doctor` (registered by CarnivoreConfig.ready()): the database
itself, whatever the apps hold.

They read the system catalogue as the connecting role, and application data under the service
identity, as the jobs do (the framework: carnivore/doctor.py). The checks that hold for any app:

- migrations: none is waiting to be applied;
- connecting role: whether the web processes connect as the schema's owner (a warning: the owner
  could switch off what the triggers guard) or as a login role holding carnivore_runtime;
- roles: anon, authenticated and service_role exist, cannot log in, and the connecting role may
  switch to each; anon and authenticated do not bypass row-level security;
- grants: the API roles hold exactly the privileges the source files declare on the schema's
  tables, views, sequences, functions and schemas (carnivore/security_state.py: the declared
  state is recorded by `migrate`), and nobody but the owner may UPDATE, DELETE or TRUNCATE an
  append-only table (one declaring `AppendOnly`: audit_log);
- row-level security: enabled on every table in `public`; forced on every application table,
  whose policies are exactly the declared ones (none missing, changed or extra); every partition
  of a partitioned table (content_engagement) has it enabled and no API privilege;
- functions: every function pins its search_path, SECURITY DEFINER ones to '' or
  pg_catalog, pg_temp; no API role may CREATE in a schema that a definer function or the
  connecting role searches; no function or operator was replaced or added by hand;
- triggers: every trigger the models declare is installed as declared, and enabled;
- schedules: every job schedule is registered.
"""

from __future__ import annotations

import pgtrigger
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from pgtrigger.core import INSTALLED

from carnivore.db_context import (
    ANON,
    AUTHENTICATED,
    SERVICE_ROLE,
    Identity,
    run_as,
)
from carnivore.doctor import (
    CheckResult,
    append_only_tables,
    application_tables,
    doctor_check,
)
from carnivore.jobs import schedules_missing
from carnivore.security_state import SCHEMAS, Drift, security_drift

API_ROLES = (ANON, AUTHENTICATED, SERVICE_ROLE)

CONNECTING_ROLE = "connecting role"
ROLES = "roles"
GRANTS = "grants"
ROW_LEVEL_SECURITY = "row-level security"
FUNCTIONS = "functions"
TRIGGERS = "triggers"
SCHEDULES = "schedules"
MIGRATIONS = "migrations"

TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
APPEND_ONLY_CHANGES = ("UPDATE", "DELETE", "TRUNCATE")  # TRUNCATE skips triggers and policies

# Which of `privileges` each API role holds on each of `tables`, whether granted directly,
# through PUBLIC, through another role or on single columns.
_API_ROLE_PRIVILEGES = """
SELECT c.relname, r.rolname, p.privilege
FROM pg_class c
CROSS JOIN pg_roles r
CROSS JOIN unnest(%(privileges)s::text[]) AS p (privilege)
WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%(tables)s)
  AND r.rolname = ANY(%(roles)s)
  AND CASE WHEN p.privilege IN ('DELETE', 'TRUNCATE', 'TRIGGER')
           THEN has_table_privilege(r.oid, c.oid, p.privilege)
           ELSE has_any_column_privilege(r.oid, c.oid, p.privilege) END
ORDER BY 1, 2, 3
"""

# Who besides the owner was granted `privileges` on one of `tables` or any of its columns.
_GRANTED_TO_OTHERS = """
SELECT DISTINCT c.relname,
       CASE acl.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(acl.grantee) END,
       acl.privilege_type
FROM pg_class c,
     LATERAL (
         SELECT * FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner)))
         UNION ALL
         SELECT x.* FROM pg_attribute a, aclexplode(a.attacl) x
         WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL
     ) acl
WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%(tables)s)
  AND acl.grantee <> c.relowner AND acl.privilege_type = ANY(%(privileges)s)
ORDER BY 1, 2, 3
"""

_ROW_LEVEL_SECURITY = """
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),
       c.relkind = 'p'
FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%(tables)s)
"""

# Every other table in `public` (Django's, third-party ones) without row-level security, which
# Supabase's REST API would serve to whoever a grant lets in.
_UNPROTECTED_TABLES = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition AND NOT c.relrowsecurity AND NOT c.relname = ANY(%(tables)s)
ORDER BY 1
"""

# Functions of the schema whose search_path is not pinned, or, for a SECURITY DEFINER one, not
# pinned to pg_catalog alone ('' or pg_catalog, pg_temp: pg_catalog is always searched).
_UNPINNED_FUNCTIONS = """
SELECT f.oid::regprocedure::text, f.prosecdef, path.setting
FROM pg_proc f
JOIN pg_namespace n ON n.oid = f.pronamespace
LEFT JOIN LATERAL (
    SELECT substr(setting, length('search_path=') + 1) AS setting
    FROM unnest(f.proconfig) AS setting WHERE setting LIKE 'search\\_path=%%'
) path ON true
WHERE n.nspname = ANY(%(schemas)s) AND f.prokind IN ('f', 'p')
  AND (path.setting IS NULL
       OR f.prosecdef AND path.setting NOT IN ('""', 'pg_catalog, pg_temp', 'pg_catalog,pg_temp'))
  -- A SQL function left without settings so that PostgreSQL inlines it, which names only
  -- pg_catalog's objects (read first by every search path) says so in its comment.
  AND NOT (NOT f.prosecdef AND coalesce(obj_description(f.oid, 'pg_proc'), '') LIKE 'inlined:%%')
ORDER BY 1
"""

# Schemas an API role may create objects in, which a SECURITY DEFINER function or the connecting
# role searches: an object planted there could run with the owner's rights.
_WRITABLE_SEARCHED_SCHEMAS = """
WITH searched AS (
    SELECT DISTINCT trim(both ' "' FROM schema_name) AS nspname, 'a SECURITY DEFINER function' AS by
    FROM pg_proc f, unnest(f.proconfig) AS setting,
         unnest(string_to_array(substr(setting, length('search_path=') + 1), ',')) AS schema_name
    WHERE f.prosecdef AND setting LIKE 'search\\_path=%%'
    UNION
    SELECT unnest(current_schemas(false)), 'the connecting role'
)
SELECT r.rolname, n.nspname, string_agg(DISTINCT s.by, ' and ' ORDER BY s.by)
FROM searched s
JOIN pg_namespace n ON n.nspname = s.nspname
CROSS JOIN pg_roles r
WHERE r.rolname = ANY(%(roles)s) AND has_schema_privilege(r.oid, n.oid, 'CREATE')
GROUP BY 1, 2
ORDER BY 1, 2
"""

# Who owns the schema's tables, and whether the connecting role is (a member of) that owner or
# holds carnivore_runtime (carnivore/sql/runtime_role.sql).
_CONNECTING_ROLE = """
SELECT current_user,
       (SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ', ') FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%(tables)s)),
       (SELECT bool_or(pg_has_role(current_user, c.relowner, 'USAGE')) FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%(tables)s)),
       pg_has_role(current_user, 'carnivore_runtime', 'USAGE')
"""

# Each partition of the partitioned `tables`, whether row-level security is enabled on it, and
# the API roles that may touch it directly (reading a partition skips the parent's policies).
_PARTITION_LOCKDOWN = """
SELECT c.relname, c.relrowsecurity,
       ARRAY(SELECT r.rolname FROM pg_roles r
             WHERE r.rolname = ANY(%(roles)s)
               AND (has_any_column_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
                    OR has_table_privilege(r.oid, c.oid, 'DELETE, TRUNCATE, TRIGGER'))
             ORDER BY r.rolname)
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_class parent ON parent.oid = i.inhparent
WHERE parent.relnamespace = 'public'::regnamespace AND parent.relname = ANY(%(tables)s)
ORDER BY c.relname
"""


def _may_switch_to(role: str) -> bool:
    try:
        with run_as(Identity(role)), connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            return cursor.fetchone()[0] == role
    except DatabaseError:
        return False


@doctor_check(ROLES, order=20)
def check_roles() -> CheckResult:
    """Check that the API roles exist as they should and the connecting role may switch to them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles"
            " WHERE rolname = ANY(%s)",
            [list(API_ROLES)],
        )
        found = {name: attributes for name, *attributes in cursor.fetchall()}
        cursor.execute("SELECT current_user")
        (connecting_role,) = cursor.fetchone()
    problems = []
    for role in API_ROLES:
        if role not in found:
            problems.append(f"{role} is missing")
            continue
        can_login, superuser, bypasses_rls = found[role]
        if can_login:
            problems.append(f"{role} can log in (should be NOLOGIN)")
        # service_role bypasses row-level security on Supabase; the others never may.
        if superuser or (bypasses_rls and role != SERVICE_ROLE):
            problems.append(f"{role} bypasses row-level security")
        if not _may_switch_to(role):
            problems.append(f"{connecting_role} may not switch to {role}")
    return CheckResult.of(
        ROLES, problems, f"{', '.join(API_ROLES)}: NOLOGIN, {connecting_role} may switch to each"
    )


def _declared_drift(kind: str) -> tuple[list[Drift], str | None]:
    """Return the drift of one kind from the declared security state, or a problem saying
    that none was recorded."""
    with connection.cursor() as cursor:
        drift = security_drift(cursor)
    if drift is None:
        return [], "no declared security state recorded: run manage.py migrate"
    return [d for d in drift if d.kind == kind], None


@doctor_check(GRANTS, order=30)
def check_grants() -> CheckResult:
    """Check that the API roles hold exactly the declared privileges, and that nobody may change
    an append-only table."""
    append_only = append_only_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            _API_ROLE_PRIVILEGES,
            {
                "tables": append_only,
                "roles": list(API_ROLES),
                "privileges": list(APPEND_ONLY_CHANGES),
            },
        )
        changers = set(cursor.fetchall())
        cursor.execute(
            _GRANTED_TO_OTHERS, {"tables": append_only, "privileges": list(APPEND_ONLY_CHANGES)}
        )
        changers.update(cursor.fetchall())
    drift, unrecorded = _declared_drift("privilege")
    # (Schema privileges are the functions check's: CREATE matters where functions search.)
    problems = [str(d) for d in drift if not d.object.startswith("schema ")]
    problems += [unrecorded] if unrecorded else []
    problems += [
        f"{role} has {privilege} on {table}" for table, role, privilege in sorted(changers)
    ]
    return CheckResult.of(
        GRANTS,
        problems,
        "API roles hold exactly the declared privileges;"
        f" only the owner could change {', '.join(append_only)}",
    )


@doctor_check(ROW_LEVEL_SECURITY, order=40)
def check_row_level_security() -> CheckResult:
    """Check RLS on every table, the declared policies of each, and the lockdown of the
    partitions of those that are partitioned (content_engagement)."""
    tables = application_tables()
    with connection.cursor() as cursor:
        cursor.execute(_ROW_LEVEL_SECURITY, {"tables": tables})
        found = {name: state for name, *state in cursor.fetchall()}
        partitioned = sorted(name for name, (*_, is_partitioned) in found.items() if is_partitioned)
        cursor.execute(_PARTITION_LOCKDOWN, {"tables": partitioned, "roles": list(API_ROLES)})
        partitions = cursor.fetchall()
        cursor.execute(_UNPROTECTED_TABLES, {"tables": tables})
        unprotected = [name for (name,) in cursor.fetchall()]
    problems = []
    for table in tables:
        if table not in found:
            problems.append(f"{table} is missing")
            continue
        enabled, forced, policies, _ = found[table]
        if not enabled:
            problems.append(f"{table}: row-level security is disabled")
        elif not forced:
            problems.append(f"{table}: row-level security is not forced")
        if policies == 0:
            problems.append(f"{table}: no policy")
    problems += [f"{table}: row-level security is disabled" for table in unprotected]
    drift, unrecorded = _declared_drift("policy")
    problems += [str(d) for d in drift] + ([unrecorded] if unrecorded else [])
    for partition, enabled, roles in partitions:
        if not enabled:
            problems.append(f"partition {partition}: row-level security is disabled")
        if roles:
            problems.append(f"partition {partition}: {', '.join(roles)} may use it directly")
    healthy = f"{len(tables)} tables: enabled, forced, with the declared policies"
    if partitioned:
        healthy += (
            f"; {len(partitions)} partitions of {', '.join(partitioned)}: enabled, no API privilege"
        )
    return CheckResult.of(ROW_LEVEL_SECURITY, problems, healthy)


@doctor_check(FUNCTIONS, order=45)
def check_functions() -> CheckResult:
    """Check that every function pins its search_path (definer ones to pg_catalog alone), that
    no API role may create objects where a definer function or the connecting role looks, and
    that no function or operator was replaced or added since `migrate`."""
    with connection.cursor() as cursor:
        cursor.execute(_UNPINNED_FUNCTIONS, {"schemas": list(SCHEMAS)})
        unpinned = cursor.fetchall()
        cursor.execute(_WRITABLE_SEARCHED_SCHEMAS, {"roles": list(API_ROLES)})
        writable = cursor.fetchall()
    problems = [
        f"SECURITY DEFINER {function} searches {setting} (must be '' or pg_catalog, pg_temp)"
        if definer and setting is not None
        else f"{function} has no search_path of its own"
        for function, definer, setting in unpinned
    ]
    problems += [
        f"{role} may CREATE in schema {schema}, which {searched} searches: a function or"
        " operator it puts there could run with the owner's rights"
        for role, schema, searched in writable
    ]
    for kind in ("function", "operator", "privilege"):
        drift, unrecorded = _declared_drift(kind)
        problems += [str(d) for d in drift if kind != "privilege" or d.object.startswith("schema ")]
    problems += [unrecorded] if unrecorded else []
    return CheckResult.of(
        FUNCTIONS,
        problems,
        "search paths pinned, none writable by an API role; functions as migrated",
    )


@doctor_check(CONNECTING_ROLE, order=15)
def check_connecting_role() -> CheckResult:
    """Say which role the application connects as; warn when it owns the schema."""
    with connection.cursor() as cursor:
        cursor.execute(_CONNECTING_ROLE, {"tables": application_tables()})
        role, owners, owns, runtime = cursor.fetchone()
    if owns:
        return CheckResult(
            CONNECTING_ROLE,
            True,
            f"{role} owns the schema: it could disable the triggers that guard the audit log and"
            " soft deletes, or alter the tables they guard; connect the web processes and jobs"
            " as a login role holding carnivore_runtime, and migrate with DATABASE_OWNER_URL",
            warning=True,
        )
    if not runtime:
        return CheckResult(
            CONNECTING_ROLE,
            False,
            f"{role} neither owns the schema ({owners}) nor holds carnivore_runtime: GRANT"
            f" carnivore_runtime TO {role}",
        )
    return CheckResult(
        CONNECTING_ROLE,
        True,
        f"{role} holds carnivore_runtime and owns nothing; {owners} owns the schema",
    )


@doctor_check(TRIGGERS, order=50)
def check_triggers() -> CheckResult:
    """Check, with django-pgtrigger, that every declared trigger is installed as declared."""
    declared = pgtrigger.registered()
    problems = []
    for model, trigger in declared:
        status, enabled = trigger.get_installation_status(model)
        if status != INSTALLED:
            problems.append(f"{trigger.get_uri(model)}: {status}")
        elif not enabled:
            problems.append(f"{trigger.get_uri(model)}: disabled")
    problems += [
        f"{table}.{pgid}: installed but declared by no model"
        for table, pgid, _, _ in pgtrigger.prunable()
    ]
    return CheckResult.of(TRIGGERS, problems, f"{len(declared)} triggers installed and enabled")


@doctor_check(SCHEDULES, order=90)
def check_schedules() -> CheckResult:
    """Check that every job schedule is registered as it should be."""
    missing = schedules_missing()
    return CheckResult.of(
        SCHEDULES,
        [f"missing or changed: {', '.join(missing)}: run manage.py register_schedules"]
        if missing
        else [],
        "every job is scheduled",
    )


@doctor_check(MIGRATIONS, order=10)
def check_migrations() -> CheckResult:
    """Check that every migration has been applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    return CheckResult.of(
        MIGRATIONS,
        [f"not applied: {', '.join(pending)}: run manage.py migrate"] if pending else [],
        "all applied",
    )
