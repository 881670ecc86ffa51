"""The embedded server: a new data folder is initialised, later starts reuse it quietly, and
processes started together share one server."""

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from manage import command_verbosity
from tests.conftest import PROJECT_DIR, manage

# A child process that starts (or attaches to) the server at a given instant (so that children
# started together reach it together, whatever their import times), optionally writes or reads
# a marker table, holds the server for a moment, and prints what it saw.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import psycopg
    from carnivore import embedded_db

    data_dir, action, hold = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    embedded_db.verbosity, start_at = int(sys.argv[4]), float(sys.argv[5])
    time.sleep(max(0.0, start_at - time.time()))
    server = embedded_db.ensure_server(data_dir)
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        if action == "write":
            conn.execute("CREATE TABLE marker (note text)")
            conn.execute("INSERT INTO marker VALUES ('kept')")
        marker = conn.execute("SELECT note FROM marker").fetchone()[0] if action == "read" else "-"
        pid = conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]
    time.sleep(hold)
    print(marker, pid)
    """
)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data folder path in a new temporary folder, removed afterwards.

    Not under pytest's `tmp_path`: run as root, the server runs as the wheel's own user, which
    needs to traverse the folders above its data, and every pytest session starting on the
    machine takes the group and other bits off `/tmp/pytest-of-root` again (seen as
    `pg_ctl: could not access directory ...: Permission denied`).
    """
    parent = Path(tempfile.mkdtemp(prefix="carnivore-embedded-"))
    try:
        yield parent / "pgdata"
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def run_child(
    data_dir: Path, action: str, hold: float = 0.0, *, verbosity: int = 1, start_at: float = 0.0
) -> subprocess.CompletedProcess:
    """Run CHILD; fail showing its output unless it succeeds."""
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(data_dir),
            action,
            str(hold),
            str(verbosity),
            str(start_at),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, f"child exited with {child.returncode}:\n{child.stderr}"
    return child


@pytest.mark.slow
def test_first_start_initialises_and_second_start_reuses(data_dir):
    """The first start runs initdb and says so; a later start keeps the data and says nothing,
    unless asked for verbosity 2, when it names the folder."""
    first = run_child(data_dir, "write")
    assert (data_dir / "PG_VERSION").read_text().strip() == "18"
    assert f"initialised a new data folder {data_dir}" in first.stderr
    version_file_written = (data_dir / "PG_VERSION").stat().st_mtime_ns

    second = run_child(data_dir, "read")
    assert second.stdout.split()[0] == "kept"
    assert second.stderr == ""
    assert (data_dir / "PG_VERSION").stat().st_mtime_ns == version_file_written

    verbose = run_child(data_dir, "read", verbosity=2)
    assert f"Embedded PostgreSQL 18: using data folder {data_dir}" in verbose.stderr


@pytest.mark.slow
def test_processes_started_together_share_one_server(data_dir):
    """Four processes reaching a new data folder at the same instant all succeed, reach the same
    postmaster, and exactly one of them says it initialised the folder."""
    start_at = time.time() + 2.0  # after every child has imported what it needs
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: run_child(data_dir, "none", hold=2.0, start_at=start_at), range(4))
        )
    start_times = {r.stdout.split(maxsplit=1)[1].strip() for r in results}
    assert len(start_times) == 1, start_times
    assert sum("initialised a new data folder" in r.stderr for r in results) == 1


@pytest.mark.slow
def test_manage_py_names_the_data_folder_only_when_asked():
    """A manage.py command on the embedded server prints nothing about it on stderr (cron
    would mail it), unless run with -v 2."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    manage("check", env=env)  # the first run may initialise var/pgdata, and says so
    quiet = manage("check", env=env)
    assert "Embedded PostgreSQL" not in quiet.stderr
    verbose = manage("check", "-v", "2", env=env)
    project_data = PROJECT_DIR / "var" / "pgdata"
    assert f"Embedded PostgreSQL 18: using data folder {project_data}" in verbose.stderr


@pytest.mark.parametrize(
    ("argv", "verbosity"),
    [
        (["check"], 1),
        (["check", "-v", "2"], 2),
        (["check", "-v2"], 2),
        (["check", "--verbosity", "3"], 3),
        (["check", "--verbosity=0"], 0),
        (["up", "--port", "8001", "-v", "2"], 2),
        (["check", "-v"], 1),
    ],
)
def test_command_verbosity_reads_django_s_forms_of_the_option(argv, verbosity):
    """manage.py finds the verbosity in each spelling Django accepts, before Django parses it."""
    assert command_verbosity(argv) == verbosity
