"""The embedded server: a new data folder is initialised, later starts reuse it, and processes
started together share one server."""

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

# A child process that starts (or attaches to) the server, optionally writes or reads a marker
# table, holds the server for a moment, and prints what it saw.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import psycopg
    from carnivore.embedded_db import ensure_server

    data_dir, action, hold = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    server = ensure_server(data_dir)
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


def run_child(data_dir: Path, action: str, hold: float = 0.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), action, str(hold)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


@pytest.mark.slow
def test_first_start_initialises_and_second_start_reuses(tmp_path):
    """The first start runs initdb and says so; a later start keeps the data and says where."""
    data_dir = tmp_path / "pgdata"
    first = run_child(data_dir, "write")
    assert (data_dir / "PG_VERSION").read_text().strip() == "18"
    assert f"initialised a new data folder {data_dir}" in first.stderr
    version_file_written = (data_dir / "PG_VERSION").stat().st_mtime_ns

    second = run_child(data_dir, "read")
    assert second.stdout.split()[0] == "kept"
    assert f"using data folder {data_dir}" in second.stderr
    assert (data_dir / "PG_VERSION").stat().st_mtime_ns == version_file_written


@pytest.mark.slow
def test_processes_started_together_share_one_server(tmp_path):
    """Four processes started at once all reach the same postmaster."""
    data_dir = tmp_path / "pgdata"
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: run_child(data_dir, "none", hold=2.0), range(4)))
    start_times = {r.stdout.split(maxsplit=1)[1].strip() for r in results}
    assert len(start_times) == 1, start_times
