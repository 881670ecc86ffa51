"""`manage.py backup` and `manage.py restore` refuse what they cannot do well, naming the file and
the reason, and leave neither a file nor a database behind when they fail. (The whole round
trip of a lived-in database is in tests/ops/test_backup_restore.py.)"""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from carnivore.backups import database_url
from tests.conftest import server_conninfo

pytestmark = pytest.mark.django_db


def database_exists(name: str) -> bool:
    with psycopg.connect(server_conninfo(connection.settings_dict)) as server:
        return bool(
            server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        )


@pytest.fixture
def new_name():
    """A database name nothing uses yet; the database is dropped afterwards if it was made."""
    name = f"restored_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(server_conninfo(connection.settings_dict), autocommit=True) as server:
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_backup_refuses_an_existing_file_unless_told_to_overwrite(tmp_path):
    """An existing file is kept (exit 1 naming it); --overwrite replaces it with a backup."""
    dump = tmp_path / "carnivore.dump"
    dump.write_text("last week's backup")
    with pytest.raises(CommandError, match=re.escape(f"{dump}: the file exists already")):
        call_command("backup", str(dump))
    assert dump.read_text() == "last week's backup"

    call_command("backup", str(dump), "--overwrite")
    assert dump.read_bytes().startswith(b"PGDMP")
    assert [path.name for path in tmp_path.iterdir()] == ["carnivore.dump"]


def test_backup_into_a_missing_folder_says_which(tmp_path):
    """A target in a folder that does not exist is refused, naming the file and the folder."""
    dump = tmp_path / "no-such-folder" / "carnivore.dump"
    with pytest.raises(CommandError, match=re.escape(f"{dump}: there is no folder {dump.parent}")):
        call_command("backup", str(dump))


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, new_name):
    """A file that is not a custom-format archive is refused before any database is made."""
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("SELECT 1;")
    with pytest.raises(CommandError, match=re.escape(f"{not_a_dump}: not a backup")):
        call_command("restore", str(not_a_dump), "--into", new_name)
    assert not database_exists(new_name)


def test_restore_refuses_a_database_that_holds_tables(tmp_path):
    """Restoring into a database with tables (here: the one backed up) is refused."""
    dump = tmp_path / "carnivore.dump"
    call_command("backup", str(dump))
    current = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match=rf"database {current} exists and holds \d+ tables"):
        call_command("restore", str(dump), "--into", current)


def test_a_failed_restore_drops_the_database_it_created(tmp_path, new_name):
    """pg_restore failing (a truncated backup) exits 1 with pg_restore's reason, and the
    database created for it is dropped again."""
    dump = tmp_path / "carnivore.dump"
    call_command("backup", str(dump))
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    with pytest.raises(CommandError, match=r"pg_restore failed: .*was dropped again") as failure:
        call_command("restore", str(truncated), "--into", new_name)
    assert str(truncated) in str(failure.value)
    assert not database_exists(new_name)


def test_database_url_names_a_sibling_database_without_its_password():
    """The DATABASE_URL printed after a restore reaches the same server as the configured
    database, with the password left out."""
    url = database_url("carnivore_restored")
    settings_dict = connection.settings_dict
    if settings_dict["HOST"].startswith("/"):
        assert url.endswith(f"/carnivore_restored?host={settings_dict['HOST']}")
    else:
        assert f"@{settings_dict['HOST']}" in url
        assert url.split("?")[0].endswith("/carnivore_restored")
    if settings_dict["PASSWORD"]:
        assert settings_dict["PASSWORD"] not in url
        assert ":<password>@" in url
