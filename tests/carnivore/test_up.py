"""README command 1: `manage.py up` sets everything up, serves, and prints the URL and login."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import psycopg
import pytest

from tests.conftest import PROJECT_DIR, manage
from tests.pgbouncer import free_port


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
    assert (tiles, schedules) == (7, 5)


@pytest.mark.django_db
@pytest.mark.slow
def test_up_serves_and_prints_url_and_login(scratch_database):
    """`up` prints the URL and login, and the admin login page and health check answer there."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": scratch_database}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "up", "--demo", "--port", str(port), "--workers", "1"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
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
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
