"""Debian's PgBouncer in transaction mode, started in front of the test database server.

Tests that need a system tool not installable with pip (pgbouncer, chromium) skip when it is
missing on a developer's machine, and fail instead where CARNIVORE_REQUIRE_SYSTEM_TOOLS=1 —
as `.ci/run` sets — so that CI never skips them.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def require_system_tool(name: str) -> str:
    """Return the path of `name`, or skip (fail under CARNIVORE_REQUIRE_SYSTEM_TOOLS=1)."""
    path = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    if path:
        return path
    message = f"{name} is not installed (Debian package `{name}`)"
    if os.environ.get("CARNIVORE_REQUIRE_SYSTEM_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as_user(server_host: str) -> str:
    """PgBouncer refuses to run as root; pick a user that can reach the server's socket."""
    if server_host.startswith("/"):  # the embedded server's socket directory
        return pwd.getpwuid(Path(server_host).stat().st_uid).pw_name
    return "nobody"


@contextmanager
def running_pgbouncer(settings_dict: dict, *, pool_size: int = 1) -> Iterator[tuple[str, int]]:
    """Run PgBouncer (transaction pooling, `pool_size` server connections per database) in
    front of the server `settings_dict` points at; yield its host and port."""
    binary = require_system_tool("pgbouncer")
    user = settings_dict["USER"] or "postgres"
    server_host = settings_dict["HOST"] or "127.0.0.1"
    server_port = settings_dict["PORT"] or "5432"
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    workdir.chmod(0o777)
    (workdir / "users.txt").write_text(f'"{user}" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        f"""
[databases]
* = host={server_host} port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir}/users.txt
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {workdir}/pgbouncer.log
pidfile = {workdir}/pgbouncer.pid
"""
    )
    for path in workdir.iterdir():
        path.chmod(0o644)
    command = [binary, "-u", _run_as_user(server_host), str(workdir / "pgbouncer.ini")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"pgbouncer exited: {process.stderr.read().decode()}"
                    ) from None
                time.sleep(0.05)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def connections_through_pgbouncer(*, pool_size: int) -> Iterator[tuple[str, int]]:
    """Send every Django connection through PgBouncer (transaction mode) in front of the
    default connection's server, configured as DATABASE_POOLER_TRANSACTION_MODE=true configures
    the application; put them back afterwards."""
    from django.db import connections

    originals = {alias: dict(connections[alias].settings_dict) for alias in connections}
    with running_pgbouncer(originals["default"], pool_size=pool_size) as (host, port):
        connections.close_all()
        for alias in connections:
            connections[alias].settings_dict.update(
                HOST=host,
                PORT=str(port),
                CONN_MAX_AGE=0,
                DISABLE_SERVER_SIDE_CURSORS=True,
                OPTIONS={**originals[alias]["OPTIONS"], "server_side_binding": False},
            )
        try:
            yield host, port
        finally:
            connections.close_all()
            for alias, original in originals.items():
                connections[alias].settings_dict.clear()
                connections[alias].settings_dict.update(original)
