"""Deployment verification (`manage.py doctor`): is this database what the application needs?

Each `check_*` function inspects one aspect and returns a `CheckResult` (ok or not, and a
sentence saying what it found); none changes anything. They read the system catalogue as the
connecting role, and application data under the service identity, as the jobs do:

- roles: anon, authenticated and service_role exist, cannot log in, and the connecting role may
  switch to each; anon and authenticated do not bypass row-level security;
- grants: no API role holds any privilege on Django's own tables, and nobody but the owner
  may UPDATE, DELETE or TRUNCATE audit_log;
- row-level security: enabled, forced and with at least one policy on every application table;
  every partition of content_engagement has it enabled and no API privilege;
- triggers: every trigger the models declare is installed as declared, and enabled;
- partitions: content_engagement has this month's and the next two, and DEFAULT;
- homepage_grid: populated, and refreshed within the last two hours;
- score drift: every stored score and count equals a recount of the raw events;
- schedules: every job schedule is registered;
- migrations: none is waiting to be applied.

`doctor_checks()` runs them all, each in its own transaction, so that one broken part cannot
hide another.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pgtrigger
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from pgtrigger.core import INSTALLED

from audit.models import AuditLog
from carnivore.db_context import (
    ANON,
    APPLICATION_APPS,
    AUTHENTICATED,
    SERVICE,
    SERVICE_ROLE,
    Identity,
    run_as,
)
from carnivore.jobs import schedules_missing
from engagement.models import ContentEngagement
from engagement.selectors import engagement_partitions, engagement_score_drift
from engagement.services import PARTITION_MONTHS_AHEAD

API_ROLES = (ANON, AUTHENTICATED, SERVICE_ROLE)
HOMEPAGE_GRID = "homepage_grid"
GRID_MAX_AGE = timedelta(hours=2)  # the refresh runs hourly: one missed run is tolerated

ROLES = "roles"
GRANTS = "grants"
ROW_LEVEL_SECURITY = "row-level security"
TRIGGERS = "triggers"
PARTITIONS = "partitions"
SCORE_DRIFT = "score drift"
SCHEDULES = "schedules"
MIGRATIONS = "migrations"

TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
AUDIT_LOG_CHANGES = ("UPDATE", "DELETE", "TRUNCATE")  # TRUNCATE skips its triggers and policies

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

# Who besides the owner was granted `privileges` on a table or any of its columns.
_GRANTED_TO_OTHERS = """
SELECT DISTINCT CASE acl.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(acl.grantee) END,
       acl.privilege_type
FROM pg_class c,
     LATERAL (
         SELECT * FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner)))
         UNION ALL
         SELECT x.* FROM pg_attribute a, aclexplode(a.attacl) x
         WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL
     ) acl
WHERE c.oid = %(table)s::regclass AND acl.grantee <> c.relowner
  AND acl.privilege_type = ANY(%(privileges)s)
ORDER BY 1, 2
"""

_ROW_LEVEL_SECURITY = """
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%(tables)s)
"""

# Each partition, whether row-level security is enabled on it, and the API roles that may
# touch it directly (reading a partition skips the parent's policies).
_PARTITION_LOCKDOWN = """
SELECT c.relname, c.relrowsecurity,
       ARRAY(SELECT r.rolname FROM pg_roles r
             WHERE r.rolname = ANY(%(roles)s)
               AND (has_any_column_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
                    OR has_table_privilege(r.oid, c.oid, 'DELETE, TRUNCATE, TRIGGER'))
             ORDER BY r.rolname)
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = %(parent)s::regclass
ORDER BY c.relname
"""


@dataclass(frozen=True)
class CheckResult:
    """What one check found: `ok`, and a sentence for the operator."""

    name: str
    ok: bool
    detail: str


def _result(name: str, problems: list[str], healthy: str) -> CheckResult:
    return CheckResult(name, not problems, "; ".join(problems) if problems else healthy)


def _tables_of(models) -> list[str]:
    return sorted(
        {model._meta.db_table for model in models if model._meta.managed and not model._meta.proxy}
    )


def application_tables() -> list[str]:
    """Return the tables of the application's apps (partitions of content_engagement aside)."""
    return _tables_of(
        model
        for app in APPLICATION_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    )


def framework_tables() -> list[str]:
    """Return Django's own tables (users, groups, tokens, admin log, jobs, migrations).

    Content types are left out: the admin looks them up under a request's role, so carnivore's
    0002 migration grants SELECT on them; they are public metadata.
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
    return _result(
        ROLES, problems, f"{', '.join(API_ROLES)}: NOLOGIN, {connecting_role} may switch to each"
    )


def check_grants() -> CheckResult:
    """Check that no API role may touch Django's tables and nobody may change audit_log."""
    framework = framework_tables()
    audit_log = AuditLog._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            _API_ROLE_PRIVILEGES,
            {"tables": framework, "roles": list(API_ROLES), "privileges": list(TABLE_PRIVILEGES)},
        )
        framework_grants = cursor.fetchall()
        cursor.execute(
            _API_ROLE_PRIVILEGES,
            {
                "tables": [audit_log],
                "roles": list(API_ROLES),
                "privileges": list(AUDIT_LOG_CHANGES),
            },
        )
        audit_changers = {(role, privilege) for _, role, privilege in cursor.fetchall()}
        cursor.execute(
            _GRANTED_TO_OTHERS, {"table": audit_log, "privileges": list(AUDIT_LOG_CHANGES)}
        )
        audit_changers.update(cursor.fetchall())
    problems = [f"{role} has {privilege} on {table}" for table, role, privilege in framework_grants]
    problems += [
        f"{role} has {privilege} on {audit_log}" for role, privilege in sorted(audit_changers)
    ]
    return _result(
        GRANTS,
        problems,
        f"API roles hold nothing on Django's {len(framework)} tables;"
        f" only the owner could change {audit_log}",
    )


def check_row_level_security() -> CheckResult:
    """Check RLS on every application table, and the lockdown of content_engagement's partitions."""
    tables = application_tables()
    engagement = ContentEngagement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(_ROW_LEVEL_SECURITY, {"tables": tables})
        found = {name: state for name, *state in cursor.fetchall()}
        cursor.execute(_PARTITION_LOCKDOWN, {"parent": engagement, "roles": list(API_ROLES)})
        partitions = cursor.fetchall()
    problems = []
    for table in tables:
        if table not in found:
            problems.append(f"{table} is missing")
            continue
        enabled, forced, policies = found[table]
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
    return _result(
        ROW_LEVEL_SECURITY,
        problems,
        f"{len(tables)} tables: enabled, forced, with policies;"
        f" {len(partitions)} partitions of {engagement}: enabled, no API privilege",
    )


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
    return _result(TRIGGERS, problems, f"{len(declared)} triggers installed and enabled")


def _month_start(moment: datetime, months_later: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months_later
    return moment.replace(
        year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


def check_partitions() -> CheckResult:
    """Check that content_engagement has this month's partition, the next months', and DEFAULT."""
    table = ContentEngagement._meta.db_table
    now = timezone.now().astimezone(UTC)  # partitions are cut at midnight UTC
    months = [f"{_month_start(now, ahead):%Y_%m}" for ahead in range(PARTITION_MONTHS_AHEAD + 1)]
    present = {partition.name for partition in engagement_partitions()}
    missing = [
        name
        for name in [*(f"{table}_{month}" for month in months), f"{table}_default"]
        if name not in present
    ]
    return _result(
        PARTITIONS,
        [f"missing {', '.join(missing)}: run manage.py ensure_partitions"] if missing else [],
        f"{table}: {', '.join(months)} and DEFAULT",
    )


def _elapsed(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def check_homepage_grid(*, max_age: timedelta = GRID_MAX_AGE) -> CheckResult:
    """Check that homepage_grid holds tiles from a refresh less than `max_age` ago."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relispopulated FROM pg_class WHERE oid = to_regclass(%s)",
            [f"public.{HOMEPAGE_GRID}"],
        )
        row = cursor.fetchone()
    if row is None:
        return CheckResult(HOMEPAGE_GRID, False, f"{HOMEPAGE_GRID} is missing")
    if not row[0]:
        return CheckResult(
            HOMEPAGE_GRID,
            False,
            "never refreshed (not populated): run manage.py refresh_bento_grid",
        )
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT count(*), clock_timestamp() - max(refreshed_at) FROM homepage_grid")
        tiles, age = cursor.fetchone()
    if tiles == 0:
        return CheckResult(
            HOMEPAGE_GRID, False, "empty: the last refresh found no active item to show"
        )
    if age > max_age:
        return CheckResult(
            HOMEPAGE_GRID,
            False,
            f"stale: refreshed {_elapsed(age)} ago, more than {_elapsed(max_age)}:"
            " is the job cluster (qcluster) running?",
        )
    return CheckResult(HOMEPAGE_GRID, True, f"{tiles} tiles, refreshed {_elapsed(age)} ago")


def check_score_drift() -> CheckResult:
    """Check that every score, count and rollup equals a recount of the raw events."""
    drift = engagement_score_drift()
    shown = [
        f"{d.content_type} {d.content_id} {d.figure}: {d.stored} stored, {d.recounted} recounted"
        for d in drift[:3]
    ]
    more = f" and {len(drift) - len(shown)} more" if len(drift) > len(shown) else ""
    return _result(
        SCORE_DRIFT,
        [f"{', '.join(shown)}{more}: see manage.py verify_scores"] if drift else [],
        "every figure equals a recount of the raw events",
    )


def check_schedules() -> CheckResult:
    """Check that every job schedule is registered as it should be."""
    missing = schedules_missing()
    return _result(
        SCHEDULES,
        [f"missing or changed: {', '.join(missing)}: run manage.py register_schedules"]
        if missing
        else [],
        "every job is scheduled",
    )


def check_migrations() -> CheckResult:
    """Check that every migration has been applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    return _result(
        MIGRATIONS,
        [f"not applied: {', '.join(pending)}: run manage.py migrate"] if pending else [],
        "all applied",
    )


def doctor_checks(*, grid_max_age: timedelta = GRID_MAX_AGE) -> list[CheckResult]:
    """Run every check, each in a transaction of its own; a check that errors fails."""
    checks: list[tuple[str, Callable[[], CheckResult]]] = [
        (MIGRATIONS, check_migrations),
        (ROLES, check_roles),
        (GRANTS, check_grants),
        (ROW_LEVEL_SECURITY, check_row_level_security),
        (TRIGGERS, check_triggers),
        (PARTITIONS, check_partitions),
        (HOMEPAGE_GRID, functools.partial(check_homepage_grid, max_age=grid_max_age)),
        (SCORE_DRIFT, check_score_drift),
        (SCHEDULES, check_schedules),
    ]
    results = []
    for name, check in checks:
        try:
            with transaction.atomic():
                results.append(check())
        except Exception as error:  # one broken check must not hide the others
            results.append(CheckResult(name, False, f"could not check: {error!r}"))
    return results
