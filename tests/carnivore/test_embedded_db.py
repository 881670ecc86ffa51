"""The embedded server: a new data folder is initialised, later starts reuse it, and processes
started together share one server."""

import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

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
    start_at = float(sys.argv[4])
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


def run_child(
    data_dir: Path, action: str, hold: float = 0.0, *, start_at: float = 0.0
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
    """Four processes reaching a new data folder at the same instant all succeed, reach the same
    postmaster, and exactly one of them says it initialised the folder."""
    data_dir = tmp_path / "pgdata"
    start_at = time.time() + 2.0  # after every child has imported what it needs
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: run_child(data_dir, "none", hold=2.0, start_at=start_at), range(4))
        )
    start_times = {r.stdout.split(maxsplit=1)[1].strip() for r in results}
    assert len(start_times) == 1, start_times
    assert sum("initialised a new data folder" in r.stderr for r in results) == 1
