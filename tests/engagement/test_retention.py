"""Data lifecycle (engagement/retention.py): months of events older than
ENGAGEMENT_RETENTION_MONTHS are detached from content_engagement, archived with pg_dump or
dropped, and the figures stay exactly what they were, still provably so (`verify_scores`).

The history every test starts from (`history`), months counted back from this one (UTC):

| month | where its events sit | with 2 months kept |
|---|---|---|
| -30, -29 | a partition each | retired |
| -27 | DEFAULT (no partition): one event of its last hour reached the database in month -26 | retired |
| -1 | DEFAULT | kept |
| this month | its partition, events of the last hours | kept |
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg import sql

from audit.models import AuditLog
from carnivore.backups import archive_entries
from carnivore.db_context import ANONYMOUS, SERVICE, run_as
from engagement import retention
from engagement.checks import RETENTION, check_retention
from engagement.models import (
    ContentEngagement,
    EngagementRollup,
    EngagementRollupState,
    EngagementVote,
)
from engagement.retention import RetentionError, engagement_retention_run
from engagement.selectors import engagement_partitions, engagement_score_drift
from engagement.tasks import engagement_retention
from grid.models import BentoGridItem
from tests import factories as f
from tests.carnivore import test_runtime_role
from tests.conftest import PROJECT_DIR, drain, manage, server_conninfo
from tests.ops.servers import postgres_bin_dir

FIGURES = (
    "view_count",
    "share_count",
    "bookmark_count",
    "events_24h",
    "views_24h",
    "shares_24h",
    "bookmarks_24h",
    "positive_24h",
    "events_7d",
    "positive_7d",
    "reader_weight_7d",
    "engagement_score",
    "positive_sentiment_percent",
    "scored_at",
)
ROLLUP_FIELDS = [
    field.name
    for field in EngagementRollup._meta.get_fields()
    if field.name not in ("id", "created_at")
]
# What each month of the history holds: (interaction, sentiment, signed-in reader?)
MONTH_EVENTS = (
    ("view", None, True),
    ("view", None, False),
    ("share", None, True),
    ("bookmark", None, False),
    ("reaction", "positive", True),
)


runtime_login = test_runtime_role.runtime_login  # a scratch database and login role


def month_start(months: int) -> datetime:
    """Midnight UTC on the first day of the month `months` after this one."""
    now = timezone.now().astimezone(UTC)
    index = now.year * 12 + now.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition(months: int) -> str:
    return f"content_engagement_{month_start(months):%Y_%m}"


def table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{name}"])
        return cursor.fetchone()[0]


def partition_create(months: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT engagement_ensure_partitions(0, %s)", [month_start(months)])


@dataclass
class History:
    topic_id: int
    retired_ids: set[int]  # the events of months -30, -29 and -27
    kept_ids: set[int]  # the events of month -1 and of this month
    backdated_vote_hour: datetime  # the hour the late event of month -27 voted in


def event(topic, user, interaction, sentiment, at: datetime, inserted_at: datetime | None = None):
    return f.make_engagement(
        content_type="trending_topic",
        content_id=topic.id,
        interaction_type=interaction,
        sentiment=sentiment,
        user=user,
        created_at=at,
        inserted_at=inserted_at or at,
    )


def make_history() -> History:
    """Events in five months (see the module docstring), counted by the rollup."""
    topic = f.make_topic()
    reader = f.make_user()
    partition_create(-30)
    partition_create(-29)
    retired, kept = set(), set()
    for months, ids in ((-30, retired), (-29, retired), (-27, retired), (-1, kept)):
        for n, (interaction, sentiment, signed_in) in enumerate(MONTH_EVENTS):
            at = month_start(months) + timedelta(days=3, hours=n)
            ids.add(event(topic, reader if signed_in else None, interaction, sentiment, at).id)
    # Month -27's last event happened in its last hour but reached the database in month -26:
    # its readers' vote counts in an hour whose other events are all held.
    late_at = month_start(-26) - timedelta(minutes=20)
    vote_hour = month_start(-26) + timedelta(hours=1)
    retired.add(event(topic, reader, "share", None, late_at, vote_hour + timedelta(minutes=5)).id)
    now = timezone.now()
    for n, (interaction, sentiment, signed_in) in enumerate(MONTH_EVENTS):
        at = now - timedelta(hours=n, minutes=1)
        kept.add(event(topic, reader if signed_in else None, interaction, sentiment, at).id)
    drain()
    return History(topic.id, retired, kept, vote_hour)


@pytest.fixture
def history(db) -> History:
    return make_history()


def figures() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in BentoGridItem.objects.values_list("id", *FIGURES)}


def rollups() -> list[tuple]:
    return list(
        EngagementRollup.objects.order_by("content_type", "content_id", "hour").values_list(
            *ROLLUP_FIELDS
        )
    )


def event_ids() -> set[int]:
    return set(ContentEngagement.objects.values_list("id", flat=True))


def retirement_audit() -> list[tuple[str, str]]:
    """The audit log's record of the retirements: (partition, what became of it)."""
    return list(
        AuditLog.objects.filter(table_name="content_engagement", operation="DELETE")
        .order_by("id")
        .values_list("record_id", "old_values__retired")
    )


@pytest.fixture
def keep_two_months_drop(settings):
    settings.ENGAGEMENT_RETENTION_MONTHS = 2
    settings.ENGAGEMENT_ARCHIVE_DIR = ""
    settings.ENGAGEMENT_RETENTION_DROP = True


def test_by_default_every_event_is_kept(history):
    """With ENGAGEMENT_RETENTION_MONTHS unset, the run (and the daily job) changes nothing."""
    partitions = engagement_partitions()
    report = engagement_retention_run()
    assert report.keep_from is None and report.months == []
    assert report.lines() == [
        "Engagement retention keeps every event (ENGAGEMENT_RETENTION_MONTHS unset): nothing to do"
    ]
    assert engagement_retention() == report.lines()
    assert engagement_partitions() == partitions
    assert event_ids() == history.retired_ids | history.kept_ids
    assert retirement_audit() == []
    assert check_retention().ok


def test_old_months_are_detached_and_dropped_and_the_figures_stay(history, keep_two_months_drop):
    """Months -30, -29 and -27 (from DEFAULT) go, with an audit row for each step; the kept
    months' events stay; counts, window figures and rollups are unchanged, and a recount of the
    held events still finds no drift, also for the hour voted in by a retired event. The readers'
    votes of the hours no longer held go with them; those of the held hours stay."""
    figures_before, rollups_before = figures(), rollups()
    assert engagement_score_drift() == []
    held_hours_from = history.backdated_vote_hour + timedelta(hours=1)
    votes = EngagementVote.objects.values_list("hour", "kind", "reader_key")
    held_votes = set(votes.filter(hour__gte=held_hours_from))
    retired_votes = votes.filter(hour__lt=held_hours_from).count()
    assert retired_votes > 0 and held_votes

    report = engagement_retention_run()

    retired = [partition(-30), partition(-29), partition(-27)]
    assert report.keep_from == month_start(-2)
    assert [(m.partition, m.events, m.archive, m.dropped) for m in report.months] == [
        (partition(-30), 5, None, True),
        (partition(-29), 5, None, True),
        (partition(-27), 6, None, True),
    ]
    assert not any(table_exists(name) for name in retired)
    names = [p.name for p in engagement_partitions()]
    assert names == [partition(0), partition(1), partition(2), "content_engagement_default"]
    assert event_ids() == history.kept_ids
    assert figures() == figures_before
    assert rollups() == rollups_before
    assert engagement_score_drift() == []
    state = EngagementRollupState.objects.get()
    assert state.events_held_from == month_start(-26)
    assert state.votes_held_from == held_hours_from
    assert set(votes) == held_votes
    detach_audit = AuditLog.objects.filter(
        table_name="content_engagement", old_values__retired="detached"
    )
    assert sum(detach_audit.values_list("old_values__votes", flat=True)) == retired_votes
    assert retirement_audit() == [
        (partition(-30), "detached"),
        (partition(-30), "dropped unarchived"),
        (partition(-29), "detached"),
        (partition(-29), "dropped unarchived"),
        (partition(-27), "detached"),
        (partition(-27), "dropped unarchived"),
    ]
    assert check_retention().ok


def test_a_second_run_does_nothing(history, keep_two_months_drop):
    """Run again, retention finds nothing to retire and writes nothing."""
    engagement_retention_run()
    figures_after, audited = figures(), retirement_audit()

    again = engagement_retention_run()

    assert again.months == []
    assert again.lines()[0].endswith("no older month is held: nothing to do")
    assert retirement_audit() == audited
    assert figures() == figures_after
    assert event_ids() == history.kept_ids


def test_the_recount_still_compares_what_is_held(history, keep_two_months_drop):
    """After retention a changed rollup of a held hour is drift; a changed rollup of a retired
    hour is drift of the all-time count, which those rollups must still add up to."""
    engagement_retention_run()
    held_from = EngagementRollupState.objects.get().events_held_from
    held = EngagementRollup.objects.filter(hour__gte=held_from, views__gt=0).first()
    retired = EngagementRollup.objects.filter(hour__lt=held_from).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE engagement_rollups SET views = views + 1, events = events + 1 WHERE id = %s",
            [held.id],
        )
        hour = f"{held.hour.astimezone(UTC):%Y-%m-%d %H}:00"
        assert sorted(d.figure for d in engagement_score_drift()) == [
            f"rollup events {hour}",
            f"rollup views {hour}",
        ]
        cursor.execute(
            "UPDATE engagement_rollups SET views = views - 1, events = events - 1 WHERE id = %s",
            [held.id],
        )
        cursor.execute(
            "UPDATE engagement_rollups SET shares = shares + 1, events = events + 1 WHERE id = %s",
            [retired.id],
        )
    assert [d.figure for d in engagement_score_drift()] == ["share_count"]


def test_the_current_and_previous_months_and_default_are_never_retired(history, settings):
    """Kept to the minimum (1 month), the previous month (in DEFAULT) and this one stay; the
    SQL functions refuse a later horizon, and leave alone the current month's partition and
    DEFAULT, whatever they are asked."""
    settings.ENGAGEMENT_RETENTION_MONTHS = 1
    settings.ENGAGEMENT_ARCHIVE_DIR = ""
    settings.ENGAGEMENT_RETENTION_DROP = True
    report = engagement_retention_run()
    assert report.keep_from == month_start(-1)
    assert event_ids() == history.kept_ids
    assert "content_engagement_default" in {p.name for p in engagement_partitions()}

    this_month = month_start(0)
    with connection.cursor() as cursor:
        for horizon in (this_month, month_start(-1) + timedelta(days=1)):
            with (
                pytest.raises(DatabaseError, match="current and the previous month are always"),
                transaction.atomic(),
                connection.cursor() as inner,
            ):
                inner.execute("SELECT * FROM engagement_retention_due(%s)", [horizon])
        for name in (partition(0), "content_engagement_default", partition(-1)):
            cursor.execute("SELECT engagement_partition_detach(%s, %s)", [name, month_start(-1)])
            assert cursor.fetchone() == (None,)
        for name in (partition(0), "content_engagement_default"):
            with (
                pytest.raises(DatabaseError, match="not a month of content_engagement retired"),
                transaction.atomic(),
                connection.cursor() as inner,
            ):
                inner.execute("SELECT engagement_partition_drop(%s, NULL)", [name])
    assert event_ids() == history.kept_ids
    assert [p.name for p in engagement_partitions()][-1] == "content_engagement_default"


def test_no_api_role_may_retire_events(history):
    """Not even service_role (which a Supabase service key reaches through the REST API) may
    detach or drop a month: only the application's own connection may."""
    calls = [
        ("engagement_partition_detach(%s, %s)", [partition(-30), month_start(-2)]),
        ("engagement_partition_drop(%s, NULL)", [partition(-30)]),
    ]
    for identity in (SERVICE, ANONYMOUS):
        for call, arguments in calls:
            with (
                pytest.raises(DatabaseError, match="permission denied for function"),
                run_as(identity),
                connection.cursor() as cursor,
            ):
                cursor.execute(f"SELECT {call}", arguments)
    assert partition(-30) in {p.name for p in engagement_partitions()}
    assert event_ids() == history.retired_ids | history.kept_ids


def test_a_month_the_rollup_has_not_counted_is_not_detached(db, settings, monkeypatch):
    """Events not yet counted by the rollup keep their month attached: the command fails
    naming it, and nothing changes (the figures would otherwise never count them)."""
    settings.ENGAGEMENT_RETENTION_MONTHS = 2
    settings.ENGAGEMENT_ARCHIVE_DIR = ""
    settings.ENGAGEMENT_RETENTION_DROP = True
    monkeypatch.setattr(retention, "UNCOUNTED_RETRY_PAUSE", 0)
    partition_create(-30)
    topic = f.make_topic()
    drain()
    waiting = event(topic, None, "view", None, month_start(-30) + timedelta(days=1))

    with pytest.raises(CommandError, match=f"{partition(-30)} holds 1 events the rollup has not"):
        call_command("engagement_retention", stdout=io.StringIO())

    assert partition(-30) in {p.name for p in engagement_partitions()}
    assert event_ids() == {waiting.id}
    assert retirement_audit() == []


def test_a_busy_table_is_not_waited_for_long(db, settings, monkeypatch):
    """While a long reader holds content_engagement, each try gives up after lock_timeout
    (writers would queue behind it no longer), and after the last one the run stops, having
    changed nothing."""
    settings.ENGAGEMENT_RETENTION_MONTHS = 2
    settings.ENGAGEMENT_ARCHIVE_DIR = ""
    settings.ENGAGEMENT_RETENTION_DROP = True
    monkeypatch.setattr(retention, "LOCK_TIMEOUT", "200ms")
    monkeypatch.setattr(retention, "LOCK_ATTEMPTS", 2)
    monkeypatch.setattr(retention, "LOCK_RETRY_PAUSE", 0)
    topic = f.make_topic()
    old = event(topic, None, "view", None, month_start(-30) + timedelta(days=1))  # in DEFAULT
    drain()
    conninfo = server_conninfo(connection.settings_dict, connection.settings_dict["NAME"])
    with psycopg.connect(conninfo) as reader:
        reader.execute("SELECT count(*) FROM content_engagement")  # its transaction stays open
        started = timezone.now()
        with pytest.raises(RetentionError, match=f"{partition(-30)} was not detached: content_"):
            engagement_retention_run()
        assert timezone.now() - started < timedelta(seconds=5)
    assert event_ids() == {old.id}
    assert not table_exists(partition(-30))


def test_the_dry_run_says_what_would_go_and_changes_nothing(history, settings, tmp_path):
    """`--dry-run` lists each month due, its events and its archive's file; nothing changes."""
    settings.ENGAGEMENT_RETENTION_MONTHS = 2
    settings.ENGAGEMENT_ARCHIVE_DIR = str(tmp_path)
    settings.ENGAGEMENT_RETENTION_DROP = False
    out = io.StringIO()
    call_command("engagement_retention", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"Engagement retention keeps 2 months before this one; older months archived into"
        f" {tmp_path}, then dropped: events are kept from {month_start(-2):%Y-%m-%d};"
        " would retire 3:"
    )
    assert lines[1:] == [
        f"  {partition(-30)} (5 events): would detach, archive to {tmp_path / partition(-30)}.dump",
        f"  {partition(-29)} (5 events): would detach, archive to {tmp_path / partition(-29)}.dump",
        f"  {partition(-27)} (6 events): would detach, archive to {tmp_path / partition(-27)}.dump",
    ]
    assert event_ids() == history.retired_ids | history.kept_ids
    assert list(tmp_path.iterdir()) == []
    assert retirement_audit() == []


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"ENGAGEMENT_RETENTION_MONTHS": "0"}, "is not a number of months of at least 1"),
        ({"ENGAGEMENT_RETENTION_MONTHS": "12"}, "set ENGAGEMENT_ARCHIVE_DIR to archive them"),
        (
            {"ENGAGEMENT_ARCHIVE_DIR": "/srv/archive", "ENGAGEMENT_RETENTION_DROP": "true"},
            "are both set",
        ),
    ],
)
def test_settings_that_would_lose_data_by_accident_are_refused(variables, message):
    """Retention without a choice between archiving and dropping, or with both, or keeping
    less than a month, stops every process at start-up, saying what to set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ENGAGEMENT_RETENTION") and key != "ENGAGEMENT_ARCHIVE_DIR"
    }
    env["DATABASE_URL"] = "postgres://nobody@db.invalid/carnivore"  # never connected to
    child = subprocess.run(
        [sys.executable, "-c", "import carnivore.settings"],
        env={**env, **variables},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 1
    assert "ImproperlyConfigured" in child.stderr and message in child.stderr


def test_contradictory_settings_fail_the_doctor_and_the_run(db, settings):
    """Settings changed after start-up (or in a test) are checked again by the run and doctor."""
    settings.ENGAGEMENT_RETENTION_MONTHS = 3
    settings.ENGAGEMENT_ARCHIVE_DIR = ""
    settings.ENGAGEMENT_RETENTION_DROP = False
    result = check_retention()
    assert (result.name, result.ok) == (RETENTION, False)
    assert "set either ENGAGEMENT_ARCHIVE_DIR" in result.detail
    with pytest.raises(RetentionError, match="not both or neither"):
        engagement_retention_run()


def test_a_missing_archive_folder_retires_nothing(history, settings, tmp_path):
    """An archive folder that does not exist stops the run before anything is detached."""
    settings.ENGAGEMENT_RETENTION_MONTHS = 2
    settings.ENGAGEMENT_ARCHIVE_DIR = str(tmp_path / "missing")
    settings.ENGAGEMENT_RETENTION_DROP = False
    with pytest.raises(RetentionError, match=f"there is no folder {tmp_path / 'missing'}"):
        engagement_retention_run()
    assert event_ids() == history.retired_ids | history.kept_ids
    assert not check_retention().ok


# --- Archives: pg_dump reads committed tables, so these tests commit (and flush afterwards). ---


@pytest.fixture
def committed_history(transactional_db) -> History:
    """The history, committed; any month left behind by a failing test is dropped afterwards."""
    yield make_history()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
            " AND c.relname ~ '^content_engagement_[0-9]{4}_[0-9]{2}$' AND c.relname < %s",
            [partition(-2)],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))


@pytest.fixture
def archive_dir(settings, tmp_path) -> Path:
    settings.ENGAGEMENT_RETENTION_MONTHS = 2
    settings.ENGAGEMENT_ARCHIVE_DIR = str(tmp_path)
    settings.ENGAGEMENT_RETENTION_DROP = False
    return tmp_path


def client_program(name: str) -> str:
    return str(postgres_bin_dir(major=connection.pg_version // 10000) / name)


def test_retired_months_are_archived_and_restore(committed_history, archive_dir, scratch_database):
    """Each retired month is dumped (custom format, owner-readable only) into
    `<partition>.dump`; the archive lists the table and its data, and pg_restore brings back
    every event of the month into an empty database. Then the month is dropped."""
    report = engagement_retention_run()

    files = sorted(path.name for path in archive_dir.iterdir())
    assert files == [f"{partition(m)}.dump" for m in (-30, -29, -27)]
    assert [m.archive for m in report.months] == [archive_dir / name for name in files]
    assert not any(table_exists(partition(m)) for m in (-30, -29, -27))
    assert event_ids() == committed_history.kept_ids
    assert engagement_score_drift() == []
    assert [what for _, what in retirement_audit()] == ["detached", "archived and dropped"] * 3

    archive = archive_dir / f"{partition(-27)}.dump"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    entries = archive_entries(archive)
    assert any(f"TABLE public {partition(-27)} " in entry for entry in entries)
    assert any(f"TABLE DATA public {partition(-27)} " in entry for entry in entries)
    for name in files:
        subprocess.run(
            [
                client_program("pg_restore"),
                "--exit-on-error",
                f"--dbname={scratch_database}",
                str(archive_dir / name),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    restored = set()
    with psycopg.connect(scratch_database) as scratch:
        for m in (-30, -29, -27):
            restored |= {
                row[0]
                for row in scratch.execute(
                    sql.SQL("SELECT id FROM {}").format(sql.Identifier(partition(m)))
                ).fetchall()
            }
        comment = scratch.execute(
            "SELECT obj_description(%s::regclass, 'pg_class')", [partition(-27)]
        ).fetchone()[0]
    assert restored == committed_history.retired_ids
    assert comment.startswith(f"retired: the events of {month_start(-27):%Y-%m} (UTC)")


def test_a_failed_archive_drops_nothing_and_the_next_run_finishes(
    committed_history, archive_dir, monkeypatch
):
    """pg_dump refused (here: it runs as a role that may not read the month): the run stops
    with an error naming the month and the file; that month stays detached with every event,
    no file is left, the later months are untouched, and the doctor names it. Once pg_dump
    works, the next run archives and drops it first, then retires the others."""
    monkeypatch.setenv("PGOPTIONS", "-c role=anon")  # pg_dump's session only: Django's is open
    target = archive_dir / f"{partition(-30)}.dump"

    with pytest.raises(RetentionError) as stopped:
        engagement_retention_run()

    message = str(stopped.value)
    assert message.startswith(f"{partition(-30)} was not archived to {target}, so it was not")
    assert "permission denied" in message
    assert list(archive_dir.iterdir()) == []
    # The month stays, detached, with every event; the later months were not touched.
    assert table_exists(partition(-30))
    partitions = {p.name for p in engagement_partitions()}
    assert partition(-30) not in partitions and partition(-29) in partitions
    assert not table_exists(partition(-27))  # still in DEFAULT
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(partition(-30))))
        assert cursor.fetchone() == (5,)
    assert retirement_audit() == [(partition(-30), "detached")]
    doctor = check_retention()
    assert not doctor.ok and partition(-30) in doctor.detail
    assert engagement_score_drift() == []

    monkeypatch.delenv("PGOPTIONS")
    report = engagement_retention_run()

    assert [(m.partition, m.events, m.archive) for m in report.months] == [
        (partition(-30), None, archive_dir / f"{partition(-30)}.dump"),
        (partition(-29), 5, archive_dir / f"{partition(-29)}.dump"),
        (partition(-27), 6, archive_dir / f"{partition(-27)}.dump"),
    ]
    assert not any(table_exists(partition(m)) for m in (-30, -29, -27))
    assert check_retention().ok


@pytest.mark.slow
@pytest.mark.django_db
def test_the_command_retires_as_a_login_role_that_owns_nothing(runtime_login, tmp_path):
    """Deployed with a runtime login role (DATABASE_URL) and the owner's URL beside it
    (DATABASE_OWNER_URL), `manage.py engagement_retention` detaches and drops through the
    functions granted to carnivore_runtime and dumps the detached month as the owner."""
    owner_url, runtime_url, role = runtime_login
    env = {
        **os.environ,
        "DATABASE_URL": runtime_url,
        "DATABASE_OWNER_URL": owner_url,
        "ENGAGEMENT_RETENTION_MONTHS": "2",
        "ENGAGEMENT_ARCHIVE_DIR": str(tmp_path),
    }
    migrated = manage("migrate", "--no-input", env=env, check=False)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    old = month_start(-30) + timedelta(days=2)
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(sql.SQL("GRANT carnivore_runtime TO {}").format(sql.Identifier(role)))
        owner.execute("SELECT engagement_ensure_partitions(0, %s)", [month_start(-30)])
        (topic,) = owner.execute(
            "INSERT INTO trending_topics (topic_slug, topic_name) VALUES ('t', 'T') RETURNING id"
        ).fetchone()
        for interaction in ("view", "share", "bookmark"):
            owner.execute(
                "INSERT INTO content_engagement (content_type, content_id, interaction_type,"
                " created_at, inserted_at) VALUES ('trending_topic', %s, %s, %s, %s)",
                [topic, interaction, old, old],
            )
        owner.execute("SELECT engagement_rollup_drain()")

    retired = manage("engagement_retention", env=env, check=False)

    assert retired.returncode == 0, retired.stdout + retired.stderr
    archive = tmp_path / f"{partition(-30)}.dump"
    assert f"  {partition(-30)} (3 events): detached, archived to {archive}, dropped" in (
        retired.stdout
    )
    with psycopg.connect(owner_url) as owner:
        assert owner.execute("SELECT to_regclass(%s)", [partition(-30)]).fetchone() == (None,)
        audited = owner.execute(
            "SELECT db_role, old_values ->> 'retired' FROM audit_log"
            " WHERE table_name = 'content_engagement' AND operation = 'DELETE' ORDER BY id"
        ).fetchall()
        (view_count,) = owner.execute("SELECT view_count FROM bento_grid_items").fetchone()
    assert audited == [(role, "detached"), (role, "archived and dropped")]
    assert view_count == 1
    verified = manage("verify_scores", env=env, check=False)
    assert verified.returncode == 0, verified.stdout
