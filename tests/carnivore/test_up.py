"""README command 1: `manage.py up` sets everything up, serves, and prints the URL and login;
it refuses a port that is taken, and whichever way it ends it leaves nothing running."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PROJECT_DIR, manage
from tests.pgbouncer import free_port


def marked_environment(database_url: str) -> tuple[dict[str, str], str]:
    """The environment for an `up` on `database_url`, carrying a marker that every process it
    starts inherits; returns it and the marker."""
    marker = f"CARNIVORE_UP_TEST={uuid.uuid4().hex}"
    name, _, value = marker.partition("=")
    return {**os.environ, "DATABASE_URL": database_url, name: value}, marker


def processes_marked(marker: str) -> list[str]:
    """The command lines of the running processes whose environment holds `marker`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:  # gone meanwhile, or a zombie
            continue
    return found


def run_up(*args: str, env: dict[str, str], output_dir: Path) -> subprocess.CompletedProcess:
    """Run `up` to its end. Its output goes through files, not pipes: a child it left running
    would hold a pipe open, and the test would hang instead of failing."""
    out, err = output_dir / "up.out", output_dir / "up.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        finished = subprocess.run(
            [sys.executable, "manage.py", "up", "--workers", "1", *args],
            cwd=PROJECT_DIR,
            env=env,
            stdout=stdout,
            stderr=stderr,
            timeout=300,
        )
    finished.stdout, finished.stderr = out.read_text(), err.read_text()
    return finished


@pytest.mark.django_db
@pytest.mark.slow
def test_up_sets_up_idempotently(scratch_database):
    """Run twice on an empty database, `up --no-serve --demo` sets up the demo once: the
    accounts, the sample week, the grid and the schedules."""
    first = manage("up", "--no-serve", "--demo", database_url=scratch_database)
    assert "Sample week imported (0 rows created)" not in first.stdout
    steps = [line.removeprefix("✓ ").split(" (")[0] for line in first.stdout.splitlines()]
    assert steps == [  # carnivore's steps and those the apps register, in order
        "Migrating the database",
        "Engagement partitions ready",
        "Demo accounts: admin, editor, auditor, reader",
        "Sample week imported",
        "Homepage grid refreshed",
        "Job schedules registered",
    ]
    second = manage("up", "--no-serve", "--demo", database_url=scratch_database)
    assert "Sample week imported (0 rows created)" in second.stdout
    with psycopg.connect(scratch_database.replace("postgres://", "postgresql://", 1)) as conn:
        accounts = conn.execute(
            "SELECT u.username, u.is_superuser, coalesce(string_agg(g.name, ','), '') FROM carnivore_user u"
            " LEFT JOIN carnivore_user_groups ug ON ug.user_id = u.id LEFT JOIN auth_group g ON g.id = ug.group_id"
            " GROUP BY u.username, u.is_superuser ORDER BY u.username"
        ).fetchall()
        tiles = conn.execute("SELECT count(*) FROM homepage_grid").fetchone()[0]
        schedules = conn.execute("SELECT count(*) FROM django_q_schedule").fetchone()[0]
    assert accounts == [
        ("admin", True, ""),
        ("auditor", False, "Auditors"),
        ("editor", False, "Editors"),
        ("reader", False, ""),
        ("weekly-import", False, ""),
    ]
    assert (tiles, schedules) == (7, 6)


def ctrl_c(process: subprocess.Popen) -> None:
    """What Ctrl-C in a terminal does: SIGINT to the whole foreground process group."""
    os.killpg(process.pid, signal.SIGINT)


def sigterm(process: subprocess.Popen) -> None:
    """What a service manager stopping `up` does: SIGTERM to its main process."""
    process.send_signal(signal.SIGTERM)


@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.parametrize("stop", [ctrl_c, sigterm])
def test_up_serves_and_prints_url_and_login(scratch_database, stop):
    """`up` prints the URL and login, the admin login page and health check answer there, and
    stopped (Ctrl-C or SIGTERM) it says so and leaves no process running."""
    port = free_port()
    env, marker = marked_environment(scratch_database)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "up", "--demo", "--port", str(port), "--workers", "1"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group, as in a terminal
    )
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Press Ctrl-C" in line or not line:
                break
        output = "".join(lines)
        url = f"http://127.0.0.1:{port}"
        assert f"running at {url}/" in output
        assert "login: admin / carnivore-demo" in output
        assert "django-q2 cluster running" in output

        for _ in range(100):  # gunicorn's workers take a moment to boot
            try:
                health = urllib.request.urlopen(f"{url}/healthz", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        assert health.status == 200
        assert urllib.request.urlopen(f"{url}/admin/login/", timeout=5).status == 200
    finally:
        stop(process)
        rest, _ = process.communicate(timeout=90)
    assert process.returncode == 0
    assert rest.rstrip().endswith("Carnivore Weekly stopped.")
    assert processes_marked(marker) == []


@pytest.mark.django_db
@pytest.mark.slow
def test_up_on_a_taken_port_says_so_and_starts_nothing(scratch_database, tmp_path):
    """With its port taken (as by an `up` already running), `up` says so and exits non-zero
    before setting up or starting anything."""
    env, marker = marked_environment(scratch_database)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        second = run_up("--port", str(port), env=env, output_dir=tmp_path)
        assert second.returncode == 1
        assert f"Port {port} on 127.0.0.1 is already in use" in second.stderr
        assert "Migrating" not in second.stdout
        assert "running at" not in second.stdout
        assert processes_marked(marker) == []


@pytest.mark.django_db
@pytest.mark.slow
def test_up_whose_web_server_cannot_start_says_so_and_leaves_nothing(scratch_database, tmp_path):
    """When gunicorn exits while starting (here: an option it refuses), `up` says so, exits
    non-zero, never claims to be running, and leaves no process behind (no job cluster)."""
    env, marker = marked_environment(scratch_database)
    env["GUNICORN_CMD_ARGS"] = "--no-such-option"
    failed = run_up("--port", str(free_port()), env=env, output_dir=tmp_path)
    assert failed.returncode == 1
    assert "The web server (gunicorn) exited while starting" in failed.stderr
    assert "running at" not in failed.stdout
    assert processes_marked(marker) == []
