"""The web processes may connect as a login role that owns nothing (DATABASE_URL) while `migrate`
runs as the schema's owner (DATABASE_OWNER_URL): carnivore.db_owner, carnivore_runtime."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.conftest import manage, server_conninfo


def as_user(url: str, user: str) -> str:
    """Return `url` with `user` (no password: the test server trusts its clients)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


@pytest.fixture
def runtime_login(scratch_database) -> Iterator[tuple[str, str, str]]:
    """A scratch database and a scratch login role owning nothing: (owner URL, runtime URL,
    role name)."""
    role = f"carnivore_web_{uuid.uuid4().hex[:8]}"
    settings_dict = connection.settings_dict
    with psycopg.connect(server_conninfo(settings_dict), autocommit=True) as server:
        server.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    try:
        yield scratch_database, as_user(scratch_database, role), role
    finally:
        name = urlsplit(scratch_database).path.lstrip("/")
        with psycopg.connect(server_conninfo(settings_dict, name), autocommit=True) as database:
            database.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            database.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.mark.slow
@pytest.mark.django_db
def test_migrate_runs_as_the_owner_and_the_runtime_role_cannot_switch_off_the_guards(
    runtime_login,
):
    """With DATABASE_OWNER_URL, `migrate` builds the schema as the owner; the runtime login role,
    given carnivore_runtime, switches to the API roles and uses Django's tables, may neither
    disable the audit log's triggers nor truncate it, and doctor says it owns nothing."""
    owner_url, runtime_url, role = runtime_login
    env = {**os.environ, "DATABASE_URL": runtime_url, "DATABASE_OWNER_URL": owner_url}
    migrated = manage("migrate", "--no-input", env=env, check=False)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(sql.SQL("GRANT carnivore_runtime TO {}").format(sql.Identifier(role)))
        (table_owner,) = owner.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass"
        ).fetchone()
    assert table_owner != role

    with psycopg.connect(runtime_url, autocommit=True) as runtime:
        runtime.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date)"
            " VALUES ('k', 'd', now() + interval '1 hour')"
        )
        assert runtime.execute("SELECT count(*) FROM django_session").fetchone() == (1,)
        with runtime.transaction():
            runtime.execute("SET LOCAL ROLE anon")
            assert runtime.execute("SELECT current_user").fetchone() == ("anon",)
        for statement in ("ALTER TABLE audit_log DISABLE TRIGGER ALL", "TRUNCATE audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                runtime.execute(statement)

    doctor = manage("doctor", env={**os.environ, "DATABASE_URL": runtime_url}, check=False)
    assert f"{role} holds carnivore_runtime and owns nothing" in doctor.stdout, doctor.stdout
    assert "with a warning: connecting role" not in doctor.stdout
