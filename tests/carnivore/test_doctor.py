"""`manage.py doctor`: a healthy deployment passes every check; each kind of damage is named by
exactly the check responsible for it, and the others still pass."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pgtrigger
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_q.models import Schedule
from psycopg import sql

from audit.checks import AUDIT_LOG
from carnivore import doctor
from carnivore.checks import (
    CONNECTING_ROLE,
    FUNCTIONS,
    GRANTS,
    MIGRATIONS,
    ROLES,
    ROW_LEVEL_SECURITY,
    SCHEDULES,
    TRIGGERS,
)
from carnivore.db_context import ANONYMOUS, run_as
from carnivore.demo_checks import DEMO_ACCOUNTS_CHECK
from carnivore.doctor import CheckResult, application_tables, doctor_checks, framework_tables
from carnivore.jobs import schedules_register
from engagement.checks import PARTITIONS, RETENTION, ROLLUP, SCORE_DRIFT
from engagement.services import PARTITION_MONTHS_AHEAD, EventInput, engagement_record
from grid.checks import HOMEPAGE_GRID
from grid.models import BentoGridItem, RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f
from trending.checks import TRENDING_ALERTS
from trending.models import TrendingAlert

EVERY_CHECK = [
    MIGRATIONS,
    CONNECTING_ROLE,
    ROLES,
    GRANTS,
    DEMO_ACCOUNTS_CHECK,
    ROW_LEVEL_SECURITY,
    FUNCTIONS,
    TRIGGERS,
    AUDIT_LOG,
    PARTITIONS,
    RETENTION,
    HOMEPAGE_GRID,
    ROLLUP,
    SCORE_DRIFT,
    TRENDING_ALERTS,
    SCHEDULES,
]


@pytest.fixture
def healthy(db) -> None:
    """A deployment in order: content readers engaged with, the jobs scheduled, a refresh."""
    topics = [f.make_topic() for _ in range(3)]
    events = [
        EventInput("trending_topic", topic.id, interaction)
        for topic in topics
        for interaction in ("view", "view", "share", "bookmark")
    ]
    with run_as(ANONYMOUS):
        engagement_record(events=events, user_id=None)
    schedules_register()
    grid_refresh(trigger=RefreshTrigger.COMMAND)


def failures(results: list[CheckResult]) -> dict[str, str]:
    """Return the failed checks' details by check name."""
    return {result.name: result.detail for result in results if not result.ok}


def execute(statement: str | sql.Composable) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def month_ahead(months: int) -> str:
    """Return the `YYYY_MM` of the month `months` after this one (UTC)."""
    now = timezone.now().astimezone(UTC)
    index = now.year * 12 + now.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC).strftime("%Y_%m")


def trigger_pgid(uri: str) -> str:
    ((model, trigger),) = pgtrigger.registered(uri)
    return trigger.get_pgid(model)


def on_trigger(statement: str, uri: str):
    """Damage: `statement`, its {} standing for the installed name of the trigger `uri`."""
    return lambda: execute(sql.SQL(statement).format(sql.Identifier(trigger_pgid(uri))))


def test_a_healthy_deployment_passes_every_check(healthy):
    """Every check runs, in order, and passes."""
    results = doctor_checks()
    assert [result.name for result in results] == EVERY_CHECK
    assert failures(results) == {}


def test_the_tables_come_from_the_models():
    """The application tables are our apps' managed models; Django's are everyone else's."""
    assert {"bento_grid_items", "content_engagement", "audit_log", "engagement_rollups"} <= set(
        application_tables()
    )
    assert "engagement_sentiment_7d" not in application_tables()  # a view, not managed
    assert set(framework_tables()) == {
        "carnivore_user",
        "carnivore_user_groups",
        "carnivore_user_user_permissions",
        "auth_group",
        "auth_group_permissions",
        "auth_permission",
        "django_admin_log",
        "authtoken_token",
        "django_migrations",
        "django_q_ormq",
        "django_q_schedule",
        "django_q_task",
        "django_session",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
    }


# damage (SQL run by the test's superuser, or a function doing it) -> the one check that must
# fail, and what its detail must say. All of it is undone with the test's transaction.
DAMAGE = [
    pytest.param(
        "DROP POLICY engagement_event_keys_kept_by_triggers ON engagement_event_keys",
        ROW_LEVEL_SECURITY,
        "engagement_event_keys: no policy",
        id="policy dropped",
    ),
    pytest.param(
        "ALTER TABLE trending_topics DISABLE ROW LEVEL SECURITY",
        ROW_LEVEL_SECURITY,
        "trending_topics: row-level security is disabled",
        id="rls disabled",
    ),
    pytest.param(
        "ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY",
        ROW_LEVEL_SECURITY,
        "audit_log: row-level security is not forced",
        id="rls not forced",
    ),
    pytest.param(
        "GRANT SELECT ON content_engagement_default TO anon",
        ROW_LEVEL_SECURITY,
        "partition content_engagement_default: anon may use it directly",
        id="partition granted",
    ),
    pytest.param(
        on_trigger("DROP TRIGGER {} ON audit_log", "audit.AuditLog:append_only"),
        TRIGGERS,
        "audit.AuditLog:append_only: UNINSTALLED",
        id="trigger dropped",
    ),
    pytest.param(
        on_trigger(
            "COMMENT ON TRIGGER {} ON content_engagement IS 'edited by hand'",
            "engagement.ContentEngagement:check_inserted_events",
        ),
        TRIGGERS,
        "engagement.ContentEngagement:check_inserted_events: OUTDATED",
        id="trigger outdated",
    ),
    pytest.param(
        on_trigger("ALTER TABLE audit_log DISABLE TRIGGER {}", "audit.AuditLog:append_only"),
        TRIGGERS,
        "audit.AuditLog:append_only: disabled",
        id="trigger disabled",
    ),
    pytest.param(
        lambda: execute(
            sql.SQL("ALTER TABLE content_engagement DETACH PARTITION {}").format(
                sql.Identifier(f"content_engagement_{month_ahead(PARTITION_MONTHS_AHEAD)}")
            )
        ),
        PARTITIONS,
        f"missing content_engagement_{month_ahead(PARTITION_MONTHS_AHEAD)}",
        id="future partition detached",
    ),
    pytest.param(
        "REFRESH MATERIALIZED VIEW homepage_grid WITH NO DATA",
        HOMEPAGE_GRID,
        "never refreshed",
        id="view never refreshed",
    ),
    pytest.param(
        "UPDATE bento_grid_items SET view_count = view_count + 1"
        " WHERE id = (SELECT min(id) FROM bento_grid_items)",
        SCORE_DRIFT,
        "view_count:",
        id="grid item tampered",
    ),
    pytest.param(
        lambda: Schedule.objects.filter(name="import_weekly").delete(),
        SCHEDULES,
        "missing or changed: import_weekly",
        id="schedule missing",
    ),
    pytest.param(
        lambda: Schedule.objects.filter(name="import_weekly").update(cron="0 6 * * 2"),
        SCHEDULES,
        "missing or changed: import_weekly",
        id="schedule moved to another time",
    ),
    pytest.param(
        "GRANT SELECT ON carnivore_user TO anon",
        GRANTS,
        "anon has SELECT on table carnivore_user, which no source file grants",
        id="stray grant",
    ),
    pytest.param(
        "GRANT UPDATE ON SEQUENCE auth_permission_id_seq TO anon",
        GRANTS,
        "anon has UPDATE on sequence auth_permission_id_seq, which no source file grants",
        id="sequence granted",
    ),
    pytest.param(
        "GRANT EXECUTE ON FUNCTION engagement_rollup_drain() TO authenticated",
        GRANTS,
        "authenticated has EXECUTE on function engagement_rollup_drain(),"
        " which no source file grants",
        id="definer function granted",
    ),
    pytest.param(
        "REVOKE INSERT ON content_engagement FROM anon",
        GRANTS,
        "anon lacks INSERT on table content_engagement, which its source file grants",
        id="declared grant revoked",
    ),
    pytest.param(
        "DROP POLICY content_engagement_select ON content_engagement",
        ROW_LEVEL_SECURITY,
        "policy content_engagement.content_engagement_select is missing",
        id="one of several policies dropped",
    ),
    pytest.param(
        "ALTER POLICY trending_topics_select ON trending_topics USING (true)",
        ROW_LEVEL_SECURITY,
        "policy trending_topics.trending_topics_select was changed: now PERMISSIVE FOR SELECT",
        id="policy changed",
    ),
    pytest.param(
        "ALTER TABLE django_session DISABLE ROW LEVEL SECURITY",
        ROW_LEVEL_SECURITY,
        "django_session: row-level security is disabled",
        id="rls disabled on a table of django's",
    ),
    pytest.param(
        "GRANT CREATE ON SCHEMA public TO service_role",
        FUNCTIONS,
        "service_role may CREATE in schema public, which the connecting role searches",
        id="create on public for an api role",
    ),
    pytest.param(
        "ALTER FUNCTION engagement_rollup_drain() SET search_path = public",
        FUNCTIONS,
        "SECURITY DEFINER engagement_rollup_drain() searches public",
        id="definer with a mutable search path",
    ),
    pytest.param(
        "ALTER FUNCTION engagement_rollup_drain() RESET search_path",
        FUNCTIONS,
        "engagement_rollup_drain() has no search_path of its own",
        id="search path unpinned",
    ),
    pytest.param(
        "CREATE OR REPLACE FUNCTION app_private.is_staff() RETURNS boolean"
        " LANGUAGE sql STABLE SET search_path = '' AS $$ SELECT true $$",
        FUNCTIONS,
        "function app_private.is_staff() was changed",
        id="function replaced",
    ),
    pytest.param(
        "CREATE FUNCTION public.text_eq_planted(text, text) RETURNS boolean"
        " LANGUAGE sql SET search_path = '' AS $$ SELECT $1 = $2 $$;"
        " REVOKE ALL ON FUNCTION public.text_eq_planted(text, text) FROM PUBLIC;"
        " CREATE OPERATOR public.=== (FUNCTION = public.text_eq_planted,"
        " LEFTARG = text, RIGHTARG = text)",
        FUNCTIONS,
        "extra operator ===(text,text)",
        id="operator planted",
    ),
    pytest.param(
        lambda: execute(
            sql.SQL(
                "ALTER TABLE audit_log DISABLE TRIGGER {}; TRUNCATE audit_log;"
                " ALTER TABLE audit_log ENABLE TRIGGER {}"
            ).format(
                sql.Identifier(trigger_pgid("audit.AuditLog:refuse_truncate")),
                sql.Identifier(trigger_pgid("audit.AuditLog:refuse_truncate")),
            )
        ),
        AUDIT_LOG,
        "emptied or rows removed: the INSERT of ",
        id="audit log truncated past its trigger",
    ),
    pytest.param(
        lambda: execute(
            sql.SQL(
                "ALTER TABLE audit_log DISABLE TRIGGER {};"
                " DELETE FROM audit_log WHERE table_name = 'trending_topics'"
                "   AND id = (SELECT min(id) FROM audit_log WHERE table_name = 'trending_topics');"
                " ALTER TABLE audit_log ENABLE TRIGGER {}"
            ).format(
                sql.Identifier(trigger_pgid("audit.AuditLog:append_only")),
                sql.Identifier(trigger_pgid("audit.AuditLog:append_only")),
            )
        ),
        AUDIT_LOG,
        "the INSERT of 1 of trending_topics is missing from audit_log",
        id="audit row removed",
    ),
    pytest.param(
        "GRANT UPDATE (record_id) ON audit_log TO authenticated",
        GRANTS,
        "authenticated has UPDATE on audit_log",
        id="audit log updatable",
    ),
    pytest.param(
        "ALTER ROLE anon BYPASSRLS",
        ROLES,
        "anon bypasses row-level security",
        id="anon bypasses rls",
    ),
]


@pytest.mark.parametrize(("damage", "check", "detail"), DAMAGE)
def test_damage_is_named_by_its_check_alone(healthy, damage, check, detail):
    """After the damage exactly one check fails, saying what is wrong."""
    if callable(damage):
        damage()
    else:
        execute(damage)
    failed = failures(doctor_checks())
    assert list(failed) == [check]
    assert detail in failed[check]


def test_a_leaking_policy_with_its_grant_is_named(healthy):
    """The leak of every event to anon (a grant and a permissive policy) is named twice: by the
    grants check and by the row-level security check."""
    execute(
        "GRANT SELECT ON content_engagement TO anon;"
        " CREATE POLICY leak ON content_engagement FOR SELECT TO anon USING (true)"
    )
    failed = failures(doctor_checks())
    assert failed == {
        GRANTS: "anon has SELECT on table content_engagement, which no source file grants",
        ROW_LEVEL_SECURITY: "extra policy content_engagement.leak"
        " (PERMISSIVE FOR SELECT TO {anon} USING true WITH CHECK)",
    }


def test_rolled_back_audit_rows_raise_no_alarm(healthy):
    """Changes rolled back leave gaps in audit_log's ids, never a row without its INSERT: the
    audit log check passes."""
    for _ in range(3):
        with pytest.raises(RuntimeError), transaction.atomic():
            f.make_topic()
            raise RuntimeError("rolled back")
    assert AUDIT_LOG not in failures(doctor_checks())


def test_without_a_recorded_declared_state_the_doctor_says_to_migrate(healthy):
    """A database migrated without this project's `migrate` has no declared state: the checks
    that compare with it say so."""
    execute("TRUNCATE app_private.security_declared")
    failed = failures(doctor_checks())
    assert list(failed) == [GRANTS, ROW_LEVEL_SECURITY, FUNCTIONS]
    assert all("run manage.py migrate" in detail for detail in failed.values())


def test_connecting_as_the_owner_is_a_warning_that_says_what_it_costs(healthy):
    """The tests connect as the schema's owner: the connecting role check passes with a
    warning naming what the owner could do."""
    (result,) = [r for r in doctor_checks() if r.name == CONNECTING_ROLE]
    assert (result.ok, result.warning) == (True, True)
    assert "could disable the triggers that guard the audit log" in result.detail


def test_trending_alerts_without_a_usable_secret_fail_and_count_the_held_alerts(healthy, settings):
    """A webhook URL without a usable secret: the check fails with the reason, the number of
    alerts held back, and what to set."""
    topic = f.make_topic()
    for event in ("new_topic", "score_jump"):
        TrendingAlert.objects.create(event=event, topic=topic, payload={})
    settings.TRENDING_WEBHOOK_URL = "https://hooks.example.com/carnivore"
    settings.TRENDING_WEBHOOK_SECRET = "hunter2"
    assert failures(doctor_checks()) == {
        TRENDING_ALERTS: "TRENDING_WEBHOOK_SECRET is not a Standard Webhooks secret"
        " (whsec_<base64>); 2 alerts held unsent (alerts are only sent signed): set"
        " TRENDING_WEBHOOK_SECRET to whsec_ + base64 of 24-64 random bytes"
    }
    settings.TRENDING_WEBHOOK_SECRET = "whsec_" + "A" * 32
    assert failures(doctor_checks()) == {}


def test_a_check_that_errors_fails_alone_and_the_others_still_run(healthy, monkeypatch):
    """A check that cannot run (a database error, or any other) fails with the reason."""

    def broken():
        raise LookupError("no trigger registry")

    monkeypatch.setattr(doctor.registry[TRIGGERS], "run", broken)
    results = doctor_checks()
    assert [result.name for result in results] == EVERY_CHECK
    assert failures(results) == {TRIGGERS: "could not check: LookupError('no trigger registry')"}


def test_a_service_role_bypassing_rls_passes_as_on_supabase(healthy):
    """Supabase's service_role has BYPASSRLS: the roles check accepts it (anon's is tested
    above)."""
    execute("ALTER ROLE service_role BYPASSRLS")
    assert failures(doctor_checks()) == {}


def test_a_stale_homepage_grid_is_named(healthy):
    """A refresh longer ago than allowed fails homepage_grid alone.

    (The refresh ran moments ago, in this test's transaction: any positive age is too old for a
    limit of one microsecond.)
    """
    failed = failures(doctor_checks(grid_max_age=timedelta(microseconds=1)))
    assert list(failed) == [HOMEPAGE_GRID]
    assert failed[HOMEPAGE_GRID].startswith("stale: refreshed")


def test_an_empty_homepage_grid_is_named(healthy):
    """A refresh that found no active item leaves the homepage empty: homepage_grid fails."""
    BentoGridItem.objects.update(is_active=False)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    failed = failures(doctor_checks())
    assert list(failed) == [HOMEPAGE_GRID]
    assert failed[HOMEPAGE_GRID].startswith("empty")


def test_the_command_prints_the_table_and_exits_1_on_a_failure(healthy):
    """`manage.py doctor` prints one row per check; a failure makes it exit with status 1."""
    out = io.StringIO()
    call_command("doctor", stdout=out)
    assert all(name in out.getvalue() for name in EVERY_CHECK)
    assert f"all {len(EVERY_CHECK)} checks passed" in out.getvalue()

    Schedule.objects.all().delete()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("doctor", stdout=out)
    assert exit_status.value.code == 1
    assert "FAIL" in out.getvalue()
    assert f"1 of {len(EVERY_CHECK)} checks failed: schedules" in out.getvalue()


def test_the_commands_grid_max_age_reaches_the_homepage_grid_check(healthy):
    """`--grid-max-age 0` makes any refresh too old: homepage_grid alone fails."""
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("doctor", "--grid-max-age", "0", stdout=out)
    assert f"1 of {len(EVERY_CHECK)} checks failed: homepage_grid" in out.getvalue()


def test_an_option_no_check_takes_is_refused():
    """A misspelt option is an error, not silently ignored."""
    with pytest.raises(TypeError, match="no doctor check takes grid_max_ages"):
        doctor_checks(grid_max_ages=timedelta(hours=1))
