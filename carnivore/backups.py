"""Backups of the default database: `pg_dump` in its custom format, `pg_restore` into a new one.

What `manage.py backup` and `manage.py restore` do; `table_dump` archives one table the same
way (an app's retired data), and `archive_entries` lists what an archive holds. The embedded
server is started by the settings as for any command, so a backup never needs it running
beforehand. Client programs: for the embedded server the wheel's own (PostgreSQL 18); for
DATABASE_URL the oldest one found that is at least the server's major version (its own
version, where installed), among Debian's `/usr/lib/postgresql/<major>/bin`, the `PATH` and
the wheel's.

- A backup is written to a temporary file beside the target and renamed onto it only once
  `pg_dump` has succeeded: a failure never leaves an empty or partial file under the target's
  name (pg_dump itself creates its output before it even connects). The file is readable by
  its owner only: it holds password hashes and tokens.
- A restore goes into a new database (or an existing empty one) on the same server, owned by
  the owner of the default database: the policies that let the audit triggers and the
  engagement rollup write name the role that ran the migrations. It runs `pg_restore --exit-on-error
  --enable-row-security` (the restore ends by refreshing `homepage_grid` as the view's owner,
  which forced row-level security does not spare unless it is a superuser or BYPASSRLS). A
  failed restore drops the database it created.
- Both need a superuser or a BYPASSRLS role: every table has FORCE ROW LEVEL SECURITY and both
  programs turn row security off, so any other role stops with "query would be affected by
  row-level security policy".

Failures raise `BackupError`, whose message names the file and the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from psycopg import sql

from carnivore import embedded_db

ARCHIVE_MAGIC = b"PGDMP"  # the first bytes of a pg_dump custom-format archive
DEBIAN_CLIENTS = Path("/usr/lib/postgresql")
CLIENT_TIMEOUT = 6 * 3600  # seconds; a dump of a large database takes a while


class BackupError(Exception):
    """A backup or restore failed; the message names the file and says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    database: str
    program: str


@dataclass(frozen=True)
class Restore:
    path: Path
    database: str
    created: bool  # False: restored into an existing empty database
    program: str


def database_backup(*, path: str | Path, overwrite: bool = False) -> Backup:
    """Dump the default database into `path` (custom format), atomically.

    Raises:
        BackupError: `path` exists (unless `overwrite`), its folder is missing or not
            writable, or pg_dump failed; nothing was left at `path`.
    """
    path = Path(path).absolute()
    if path.exists() and not overwrite:
        raise BackupError(f"{path}: the file exists already (--overwrite replaces it)")
    return _dump(path, overwrite=overwrite)


def table_dump(*, path: str | Path, table: str) -> Backup:
    """Dump one table of the default database, `schema.name`, into `path` (custom format),
    atomically, as `database_backup` does; a file already at `path` is refused.

    The connecting role must be able to read the table with row security off (its owner, when
    the table has row-level security but does not force it).

    Raises:
        BackupError: `path` exists, its folder is missing or not writable, or pg_dump failed
            (the table does not exist, or may not be read); nothing was left at `path`.
    """
    return _dump(Path(path).absolute(), overwrite=False, only=f"--table={table}")


def archive_entries(path: str | Path) -> list[str]:
    """Return the table of contents of the custom-format archive at `path`, as `pg_restore
    --list` prints it (comment lines left out), e.g. `3541; 0 16533 TABLE DATA public t owner`.

    Raises:
        BackupError: `path` is not a readable archive.
    """
    path = Path(path).absolute()
    program = _client_program("pg_restore", _database())
    listing = _run(path, program, "--list", str(path), password="")
    return [line for line in listing.splitlines() if line.strip() and not line.startswith(";")]


def _dump(path: Path, *, overwrite: bool, only: str | None = None) -> Backup:
    """Run pg_dump on the default database into `path` via a temporary file beside it."""
    if path.exists() and not overwrite:
        raise BackupError(f"{path}: the file exists already")
    if not path.parent.is_dir():
        raise BackupError(f"{path}: there is no folder {path.parent}")
    database = _database()
    program = _client_program("pg_dump", database)
    try:
        descriptor, partial_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=path.parent
        )
    except OSError as error:
        raise BackupError(f"{path}: cannot write in {path.parent}: {error.strerror}") from None
    os.close(descriptor)
    partial = Path(partial_name)
    selection = [only, "--strict-names"] if only else []
    try:
        _run(
            path,
            program,
            "--format=custom",
            *selection,
            f"--file={partial}",
            f"--dbname={database.conninfo()}",
            password=database.password,
        )
        os.replace(partial, path)  # atomic within one folder
    finally:
        partial.unlink(missing_ok=True)
    _sync_folder(path.parent)
    return Backup(path=path, size=path.stat().st_size, database=database.name, program=program)


def database_restore(*, path: str | Path, into: str) -> Restore:
    """Restore the backup at `path` into the database `into`, on the default database's server.

    `into` is created (owned by the default database's owner) unless it exists and is empty.

    Raises:
        BackupError: `path` is not a readable custom-format archive, `into` holds tables
            already, or pg_restore failed (a database created for it is dropped again).
    """
    path = Path(path).absolute()
    try:
        with path.open("rb") as archive:
            start = archive.read(len(ARCHIVE_MAGIC))
    except OSError as error:
        raise BackupError(f"{path}: cannot read the file: {error.strerror}") from None
    if start != ARCHIVE_MAGIC:
        raise BackupError(
            f"{path}: not a backup (a pg_dump custom-format archive starts with PGDMP)"
        )
    source = _database()
    program = _client_program("pg_restore", source)
    target = source.sibling(into)
    created = _create_or_check_empty(path, source, into)
    try:
        _run(
            path,
            program,
            "--exit-on-error",
            "--enable-row-security",
            f"--dbname={target.conninfo()}",
            str(path),
            password=target.password,
        )
    except BackupError as error:
        if not created:
            raise BackupError(f"{error} (database {into} may hold part of the backup)") from None
        with source.maintenance_connection() as server:
            server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(into)))
        raise BackupError(f"{error} (database {into} was dropped again)") from None
    return Restore(path=path, database=into, created=created, program=program)


@dataclass(frozen=True)
class _Database:
    """How to reach a database: libpq parameters without the password, and the password."""

    name: str
    params: dict[str, str]
    password: str
    server_major: int
    embedded: bool

    def conninfo(self) -> str:
        return psycopg.conninfo.make_conninfo(**self.params)

    def sibling(self, name: str) -> _Database:
        """The database `name` on the same server, reached the same way."""
        return _Database(
            name, {**self.params, "dbname": name}, self.password, self.server_major, self.embedded
        )

    def maintenance_connection(self) -> psycopg.Connection:
        """An autocommit connection for CREATE and DROP DATABASE (not in a transaction)."""
        return psycopg.connect(self.conninfo(), password=self.password or None, autocommit=True)

    def url(self, *, with_password: bool = False) -> str:
        """A DATABASE_URL for this database; `<password>` stands for the password unless
        `with_password` (for a child process's environment, never for printing)."""
        user = quote(self.params.get("user", ""))
        password = quote(self.password) if with_password else "<password>"
        credentials = f"{user}:{password}@" if self.password else f"{user}@" if user else ""
        host = self.params.get("host", "")
        options = {
            key: value for key, value in self.params.items() if key not in ("dbname", "user")
        }
        if host.startswith("/"):  # a socket folder: django-environ reads it from ?host=
            location = ""
        else:
            location = host + (f":{options.pop('port')}" if "port" in options else "")
            options.pop("host", None)
        query = f"?{urlencode(options, safe='/')}" if options else ""
        return f"postgres://{credentials}{location}/{quote(self.name)}{query}"


def database_url(name: str, *, with_password: bool = False) -> str:
    """A DATABASE_URL for the database `name` on the default database's server (see
    `_Database.url` for the password)."""
    return _database().sibling(name).url(with_password=with_password)


def _database(alias: str = DEFAULT_DB_ALIAS) -> _Database:
    connection = connections[alias]
    libpq_keywords = {option.keyword.decode() for option in psycopg.pq.Conninfo.get_defaults()}
    params = {
        key: str(value)
        for key, value in connection.get_connection_params().items()
        # client_encoding: Django's choice for its own connections; the programs set theirs.
        if key in libpq_keywords
        and key not in ("password", "client_encoding")
        and value not in (None, "")
    }
    try:
        server_major = connection.pg_version // 10000
    except DatabaseError as error:
        raise BackupError(f"cannot connect to database {params['dbname']}: {error}") from None
    return _Database(
        name=params["dbname"],
        params=params,
        password=connection.settings_dict["PASSWORD"] or "",
        server_major=server_major,
        embedded=embedded_db.serves(connection.settings_dict["HOST"]),
    )


def _create_or_check_empty(path: Path, source: _Database, into: str) -> bool:
    """Create the database `into` owned by the source's owner; return False if it existed and
    is empty. Refuse one that holds tables."""
    with source.maintenance_connection() as server:
        owner = server.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()[0]
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [into]).fetchone()
        if not exists:
            server.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(
                    sql.Identifier(into), sql.Identifier(owner)
                )
            )
            return True
    target = source.sibling(into)
    with psycopg.connect(target.conninfo(), password=target.password or None) as existing:
        relations = existing.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
            " AND n.nspname NOT LIKE 'pg\\_toast%' AND c.relkind IN ('r', 'p', 'v', 'm')"
        ).fetchone()[0]
    if relations:
        raise BackupError(
            f"{path}: database {into} exists and holds {relations} tables or views: "
            "restore into a new database (--into another name)"
        )
    return False


def _client_program(name: str, database: _Database) -> str:
    """The `name` program to use with `database`'s server (see the module docstring)."""
    if database.embedded:
        return str(embedded_db.client_program(name))
    candidates = [
        *sorted(DEBIAN_CLIENTS.glob(f"*/bin/{name}"), reverse=True),
        shutil.which(name),
        embedded_db.client_program(name),
    ]
    versions = {}
    for candidate in filter(None, candidates):
        major = _major_version(str(candidate))
        if major is not None:
            versions.setdefault(major, str(candidate))
    usable = [major for major in versions if major >= database.server_major]
    if not usable:
        raise BackupError(
            f"no {name} of PostgreSQL {database.server_major} or newer found (found: "
            f"{', '.join(map(str, sorted(versions))) or 'none'}): install "
            f"postgresql-client-{database.server_major}"
        )
    # The server's own version first: a newer pg_restore may send what an older server does
    # not know (pg_restore 18 sets transaction_timeout, which PostgreSQL 15 refuses).
    return versions[min(usable)]


def _major_version(program: str) -> int | None:
    """The major version of a PostgreSQL client program (`pg_dump (PostgreSQL) 15.20`)."""
    try:
        output = subprocess.run(  # noqa: S603 - a PostgreSQL client program found above
            [program, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\) (\d+)", output)
    return int(found.group(1)) if found else None


def _run(path: Path, program: str, *args: str, password: str) -> str:
    """Run a client program and return its output; raise BackupError naming `path` and its
    messages if it fails."""
    env = {**os.environ, "PGPASSWORD": password} if password else None
    try:
        finished = subprocess.run(  # noqa: S603 - a PostgreSQL client program, fixed options
            [program, *args],
            capture_output=True,
            text=True,
            timeout=CLIENT_TIMEOUT,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupError(f"{path}: {Path(program).name} could not run: {error}") from None
    if finished.returncode != 0:
        messages = finished.stderr.strip() or f"exit code {finished.returncode}"
        raise BackupError(f"{path}: {Path(program).name} failed: {messages}")
    return finished.stdout


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (the file's data pg_dump syncs itself)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
