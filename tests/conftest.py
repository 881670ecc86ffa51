"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection, connections, transaction
from django.db.backends.postgresql.operations import DatabaseOperations
from psycopg import sql

from carnivore.staff_groups import STAFF_GROUPS, staff_permissions_grant
from engagement.services import engagement_rollup_drain
from tests.pgbouncer import connections_through_pgbouncer

PROJECT_DIR = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.supabase.plugin", "tests.browser"]


def database_url(settings_dict: dict, dbname: str) -> str:
    """Return a DATABASE_URL for `dbname` on the server the test database lives on."""
    user = quote(settings_dict["USER"] or "")
    password = quote(settings_dict["PASSWORD"] or "")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict["HOST"] or ""
    if host.startswith("/"):  # a Unix socket directory (the embedded server)
        return f"postgres://{credentials}/{dbname}?host={host}"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{dbname}"


def server_conninfo(settings_dict: dict, dbname: str = "postgres") -> str:
    return psycopg.conninfo.make_conninfo(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname=dbname,
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """With CARNIVORE_THROUGH_PGBOUNCER=1 (a CI pass of the API tests), every test connects
    through PgBouncer in transaction mode, as a pooled deployment does; the test database is
    still created and dropped directly."""
    if os.environ.get("CARNIVORE_THROUGH_PGBOUNCER") != "1":
        yield
        return
    with connections_through_pgbouncer(pool_size=20):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords with a fast hasher: the real one costs ~0.1 s a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scratch_database(django_db_blocker) -> Iterator[str]:
    """An empty database on the test server, dropped afterwards; yields its DATABASE_URL."""
    settings_dict = connection.settings_dict
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_conninfo(settings_dict), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield database_url(settings_dict, name)
    finally:
        with psycopg.connect(server_conninfo(settings_dict), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def statements_sent(using: str = "default") -> Iterator[list[str]]:
    """Collect the SQL statements really sent on a connection (the default one unless named).

    (Django's query log also lists BEGIN and COMMIT for atomic blocks, which psycopg sends only
    when a statement ran; counting at execution avoids that.)
    """
    sent: list[str] = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connections[using].execute_wrapper(record):
        yield sent


def drain() -> int:
    """Count the events stored so far into the rollups and grid figures now, as the rollup
    worker does every second (engagement_rollup_drain); return how many it counted.

    Events touch no figure when they are inserted: a test asserts figures after a drain. Inside
    the test's transaction it counts the committed events and the transaction's own.
    """
    return engagement_rollup_drain()


def manage(
    *args: str,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run `manage.py` in a child process against `database_url`, or with the environment `env`."""
    if env is None:
        env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *args],
        env=dict(env),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


@pytest.fixture
def staff_groups(db):
    """The staff groups with their permissions, as `migrate` leaves them (a transactional test
    before this one may have flushed them)."""
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)
    assert staff_permissions_grant() == []


def _flush_past_append_only(self, sql_list):
    """Django's flush between transactional tests, past the audit log's refusal of TRUNCATE:
    with the session replication role (a superuser's switch, which the test connection has),
    ordinary triggers do not fire, for this transaction only."""
    with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        _execute_sql_flush(self, sql_list)


_execute_sql_flush = DatabaseOperations.execute_sql_flush
DatabaseOperations.execute_sql_flush = _flush_past_append_only


@pytest.fixture(autouse=True)
def homepage_cache_empty():
    """Each test starts without a cached homepage (the cache is shared files, kept across runs)."""
    caches["homepage"].clear()
