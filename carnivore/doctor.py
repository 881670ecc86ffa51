"""Deployment verification (`manage.py doctor`): is this database what the application needs?

Each check inspects one aspect and returns a `CheckResult` (ok or not, and a sentence saying
what it found); none changes anything. They read the system catalogue as the connecting role,
and application data under the service identity, as the jobs do. This module owns the
framework (`doctor_check` registers a check, `doctor_checks()` runs them all, each in its own
transaction, so that one broken part cannot hide another) and the checks that hold for any app:

- migrations: none is waiting to be applied;
- roles: anon, authenticated and service_role exist, cannot log in, and the connecting role may
  switch to each; anon and authenticated do not bypass row-level security;
- grants: no API role holds any privilege on Django's own tables, and nobody but the owner
  may UPDATE, DELETE or TRUNCATE an append-only table (one declaring `AppendOnly`: audit_log);
- row-level security: enabled, forced and with at least one policy on every application table;
  every partition of a partitioned one (content_engagement) has it enabled and no API privilege;
- triggers: every trigger the models declare is installed as declared, and enabled;
- schedules: every job schedule is registered.

Each app registers the checks of what it owns in its `checks.py`, imported by its AppConfig's
`ready()` (engagement/checks.py: partitions, score drift; grid/checks.py: homepage_grid), so
that this module names no app.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pgtrigger
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from pgtrigger.core import INSTALLED

from carnivore.db_context import (
    ANON,
    APPLICATION_APPS,
    AUTHENTICATED,
    SERVICE_ROLE,
    Identity,
    run_as,
)
from carnivore.jobs import schedules_missing
from carnivore.triggers import AppendOnly

API_ROLES = (ANON, AUTHENTICATED, SERVICE_ROLE)

ROLES = "roles"
GRANTS = "grants"
ROW_LEVEL_SECURITY = "row-level security"
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


@dataclass(frozen=True)
class CheckResult:
    """What one check found: `ok`, and a sentence for the operator."""

    name: str
    ok: bool
    detail: str

    @classmethod
    def of(cls, name: str, problems: list[str], healthy: str) -> CheckResult:
        """Return a failure listing `problems`, or a pass saying `healthy` when there is none."""
        return cls(name, not problems, "; ".join(problems) if problems else healthy)


@dataclass
class DoctorCheck:
    """A registered check: its name in the report, its place in the run, and its function."""

    name: str
    order: int
    run: Callable[..., CheckResult]


# name -> check. The report lists carnivore's checks of the database itself first (orders 10 to
# 50), then the apps' checks of their data (60 to 80), then the job schedules (90).
registry: dict[str, DoctorCheck] = {}


def doctor_check(name: str, *, order: int) -> Callable[[Callable], Callable]:
    """Register the decorated function as the check `name` of `manage.py doctor`.

    The function takes no argument but keyword options with defaults (see `doctor_checks`) and
    returns a `CheckResult`; registering a name again replaces the check.

    Args:
        name: the check's name in the report.
        order: where the check runs and is reported: lower first.
    """

    def register(run: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        registry[name] = DoctorCheck(name, order, run)
        return run

    return register


def registered_checks() -> list[DoctorCheck]:
    """Return the registered checks in the order they run."""
    return sorted(registry.values(), key=lambda check: check.order)


def _tables_of(models) -> list[str]:
    return sorted(
        {model._meta.db_table for model in models if model._meta.managed and not model._meta.proxy}
    )


def application_tables() -> list[str]:
    """Return the tables of the application's apps (partitions aside: they have no model)."""
    return _tables_of(
        model
        for app in APPLICATION_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    )


def framework_tables() -> list[str]:
    """Return Django's own tables (users, groups, tokens, admin log, jobs, migrations).

    Content types are left out: the admin looks them up under a request's role, so
    carnivore/sql/framework_table_privileges.sql grants SELECT on them; they are public metadata.
    """
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in APPLICATION_APPS and model is not ContentType
    ]
    return sorted({*_tables_of(models), MigrationRecorder.Migration._meta.db_table})


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


def append_only_tables() -> list[str]:
    """Return the tables whose model declares the `AppendOnly` trigger (audit_log)."""
    return sorted(
        {
            model._meta.db_table
            for model, trigger in pgtrigger.registered()
            if isinstance(trigger, AppendOnly)
        }
    )


@doctor_check(GRANTS, order=30)
def check_grants() -> CheckResult:
    """Check that no API role may touch Django's tables and nobody may change an append-only
    table."""
    framework = framework_tables()
    append_only = append_only_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            _API_ROLE_PRIVILEGES,
            {"tables": framework, "roles": list(API_ROLES), "privileges": list(TABLE_PRIVILEGES)},
        )
        framework_grants = cursor.fetchall()
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
    problems = [
        f"{role} has {privilege} on {table}"
        for table, role, privilege in [*framework_grants, *sorted(changers)]
    ]
    return CheckResult.of(
        GRANTS,
        problems,
        f"API roles hold nothing on Django's {len(framework)} tables;"
        f" only the owner could change {', '.join(append_only)}",
    )


@doctor_check(ROW_LEVEL_SECURITY, order=40)
def check_row_level_security() -> CheckResult:
    """Check RLS on every application table, and the lockdown of the partitions of those that
    are partitioned (content_engagement)."""
    tables = application_tables()
    with connection.cursor() as cursor:
        cursor.execute(_ROW_LEVEL_SECURITY, {"tables": tables})
        found = {name: state for name, *state in cursor.fetchall()}
        partitioned = sorted(name for name, (*_, is_partitioned) in found.items() if is_partitioned)
        cursor.execute(_PARTITION_LOCKDOWN, {"tables": partitioned, "roles": list(API_ROLES)})
        partitions = cursor.fetchall()
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
    for partition, enabled, roles in partitions:
        if not enabled:
            problems.append(f"partition {partition}: row-level security is disabled")
        if roles:
            problems.append(f"partition {partition}: {', '.join(roles)} may use it directly")
    healthy = f"{len(tables)} tables: enabled, forced, with policies"
    if partitioned:
        healthy += (
            f"; {len(partitions)} partitions of {', '.join(partitioned)}: enabled, no API privilege"
        )
    return CheckResult.of(ROW_LEVEL_SECURITY, problems, healthy)


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


def doctor_checks(**options: object) -> list[CheckResult]:
    """Run every registered check in order, each in a transaction of its own; a check that
    errors fails, with the error as its detail.

    Args:
        **options: settings of particular checks (grid's `grid_max_age`), each given to the
            checks whose function takes a keyword of that name.

    Raises:
        TypeError: an option that no registered check takes.
    """
    checks = registered_checks()
    taken = {
        check.name: inspect.signature(check.run).parameters.keys() & options.keys()
        for check in checks
    }
    unknown = options.keys() - set().union(*taken.values())
    if unknown:
        raise TypeError(f"no doctor check takes {', '.join(sorted(unknown))}")
    results = []
    for check in checks:
        try:
            with transaction.atomic():
                results.append(check.run(**{name: options[name] for name in taken[check.name]}))
        except Exception as error:  # one broken check must not hide the others
            results.append(CheckResult(check.name, False, f"could not check: {error!r}"))
    return results
