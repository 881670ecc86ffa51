"""Load test (SPEC section 10): 1,000 simulated readers with think time, zero errors.

Prepares a fresh benchmark database as `manage.py up` would (sample week imported, grid
refreshed) plus one reader account per simulated user, with a token and interests drawn from the
grid's tags so that the personalised grid really re-ranks. Serves it with gunicorn's workers
(as `up` does), and drives it with locust (bench/locustfile.py) in its own process: anonymous and
signed-in readers opening the homepage and recording engagement with its tiles, 5 to 15 s apart.
Users spawn over the ramp-up; only requests made after it count in the table (errors count from
the very first request).

Prints a markdown table (p50/p95/p99 and requests/s per endpoint), the CPU each party used
(locust, gunicorn, the benchmark database's PostgreSQL backends, everything else), and writes
a plot of latency over time to bench/results/load-latency.png. Exits 1 if any request failed
or an accepted engagement event is missing from the database.

    .venv/bin/python bench/load.py [--users 1000] [--duration 120] [--ramp 60] [--workers 2]
        [--threads 1]
    .venv/bin/python bench/load.py --quick     # 200 users, 30 s: a try-out
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import psycopg
from harness import PROJECT_DIR, Server, fresh_database, machine_line, percentile
from http_load import CLIENTS_BEHIND_A_PROXY, gunicorn

RESULTS_DIR = PROJECT_DIR / "bench" / "results"
LOCUSTFILE = PROJECT_DIR / "bench" / "locustfile.py"
THINK_TIME = "5-15 s"  # locustfile.Reader.wait_time
# Every simulated reader has an address of its own, sent in X-Forwarded-For to a server that
# trusts one proxy, and signed-in readers an account each: the production throttles apply.
# As `up` serves: 2 sync gunicorn workers. On this 2-core machine 4 workers, or 2 workers of 4
# threads, gave the same latencies within a millisecond or two (BENCHMARKS.md): locust and
# PostgreSQL share the same two cores.
WORKERS = 2
# p99 targets of SPEC section 10, per endpoint name in bench/locustfile.py.
P99_TARGETS_MS = {
    "GET /api/grid/": 10,
    "GET /api/grid/personalized/": 15,
    "POST /api/engagement/ (anonymous)": 20,
    "POST /api/engagement/ (signed in)": 20,
}


def readers_create(count: int) -> list[str]:
    """Create `count` reader accounts with a token and 1-3 interests from the grid's tags;
    return their tokens. One INSERT per table: hashing 1,000 passwords would take minutes."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from grid.models import BentoGridItem, UserInterest

    tags = sorted(
        {
            tag
            for data in BentoGridItem.objects.values_list("data", flat=True)
            for tag in data.get("tags", [])
        }
    )
    rng = random.Random(8)
    unusable = make_password(None)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"reader-{n:05d}", password=unusable) for n in range(count)
    )
    tokens = Token.objects.bulk_create(Token(user=user, key=Token.generate_key()) for user in users)
    UserInterest.objects.bulk_create(
        UserInterest(user=user, interests=chosen, interest_tags=chosen)
        for user in users
        for chosen in [rng.sample(tags, rng.randint(1, 3))]
    )
    return [token.key for token in tokens]


@dataclass
class CpuSample:
    at: float
    machine_busy: float  # CPU seconds of every process on the machine since boot
    processes: dict[tuple[str, int, float], float]  # (party, pid, created) -> CPU seconds


@dataclass
class CpuMonitor:
    """Sample once a second the CPU time of locust, gunicorn (master and workers) and the
    PostgreSQL backends serving the benchmark database, and of the whole machine."""

    server: Server
    locust_pid: int
    samples: list[CpuSample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> CpuMonitor:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with psycopg.connect(self.server.conninfo(), autocommit=True) as conn:
            while not self._stop.is_set():
                backends = [
                    row[0]
                    for row in conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    )
                ]
                self.samples.append(self._sample(backends))
                self._stop.wait(1)

    def _sample(self, backends: list[int]) -> CpuSample:
        parties: list[tuple[str, psutil.Process]] = []
        for child in psutil.Process().children(recursive=True):
            try:
                if child.pid == self.locust_pid:
                    parties.append(("locust", child))
                elif "gunicorn" in " ".join(child.cmdline()):
                    parties.append(("gunicorn", child))
            except psutil.Error:  # it ended since the listing
                pass
        for pid in backends:
            with contextlib.suppress(psutil.Error):
                parties.append(("postgres", psutil.Process(pid)))
        processes = {}
        for party, process in parties:
            try:
                times = process.cpu_times()
                processes[(party, process.pid, process.create_time())] = times.user + times.system
            except psutil.Error:
                pass
        machine = psutil.cpu_times()
        busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0)
        return CpuSample(time.time(), busy, processes)

    def shares(self, start: float, end: float) -> tuple[float, dict[str, float]]:
        """Seconds of wall time between the samples nearest `start` and `end`, and each party's
        CPU seconds in it ("other" is everything else on the machine, "idle" what was left)."""
        window = [s for s in self.samples if start <= s.at <= end]
        first, last = window[0], window[-1]
        seen: dict[tuple[str, int, float], float] = {}
        for sample in window:
            seen.update(sample.processes)
        used: dict[str, float] = defaultdict(float)
        for key, seconds in seen.items():
            used[key[0]] += seconds - first.processes.get(key, 0.0)
        wall = last.at - first.at
        busy = last.machine_busy - first.machine_busy
        used["other"] = max(0.0, busy - sum(used.values()))
        used["idle"] = max(0.0, wall * psutil.cpu_count() - busy)
        return wall, dict(used)


@dataclass(frozen=True)
class EndpointResult:
    name: str
    latencies_ms: list[float]
    failures: int
    seconds: float

    def row(self) -> str:
        target = P99_TARGETS_MS.get(self.name)
        p = {
            q: f"{percentile(self.latencies_ms, q):.1f}" if self.latencies_ms else "-"
            for q in (50, 95, 99)
        }
        return (
            f"| `{self.name}` | {len(self.latencies_ms):,} | {len(self.latencies_ms) / self.seconds:.1f} "
            f"| {p[50]} | {p[95]} | {p[99]} | {f'<= {target}' if target else ''} "
            f"| {self.failures} |"
        )


def run_locust(url: str, args, monitor_server: Server) -> tuple[dict, CpuMonitor, int]:
    """Run locust headless against `url`; return its requests, the CPU monitor, its exit code."""
    prefix = RESULTS_DIR / "load"
    requests_file = RESULTS_DIR / "load-requests.json"
    requests_file.unlink(missing_ok=True)  # never report an earlier run's requests
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        url,
        "--users",
        str(args.users),
        "--spawn-rate",
        f"{args.users / args.ramp:.2f}",
        "--run-time",
        f"{args.ramp + args.duration}s",
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "LOAD_READERS": str(RESULTS_DIR / "load-readers.json"),
        "LOAD_REQUESTS": str(requests_file),
    }
    with (RESULTS_DIR / "load-locust.log").open("w") as log:
        locust = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=log)
        with CpuMonitor(monitor_server, locust.pid) as monitor:
            code = locust.wait()
    return json.loads(requests_file.read_text()), monitor, code


def history_plot(path: Path, ramp_end: float, title: str) -> None:
    """Plot locust's stats history: p50/p95/p99 per endpoint (over its 10 s window), users and
    throughput, with the ramp-up shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(csv.DictReader((RESULTS_DIR / "load_stats_history.csv").open()))
    start = min(int(row["Timestamp"]) for row in rows)
    series: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        series[row["Name"]].append(row)

    def values(name: str, column: str) -> tuple[list[int], list[float]]:
        points = [
            (int(r["Timestamp"]) - start, float(r[column]))
            for r in series[name]
            if r[column] not in ("N/A", "")
        ]
        return [t for t, _ in points], [v for _, v in points]

    figure = plt.figure(figsize=(13, 11), layout="constrained")
    grid = figure.add_gridspec(3, 2)
    for index, name in enumerate(P99_TARGETS_MS):
        axes = figure.add_subplot(grid[index // 2, index % 2])
        for column, colour in (("50%", "tab:green"), ("95%", "tab:orange"), ("99%", "tab:red")):
            axes.plot(*values(name, column), color=colour, label=f"p{column[:-1]}")
        axes.axhline(P99_TARGETS_MS[name], color="tab:red", linestyle=":", label="p99 target")
        axes.axvspan(0, ramp_end - start, color="0.9", label="ramp-up")
        axes.set_title(name, fontsize=10)
        axes.set_ylabel("ms")
        axes.set_ylim(bottom=0)
        axes.legend(fontsize=8, loc="upper left")
    axes = figure.add_subplot(grid[2, :])
    axes.plot(*values("Aggregated", "User Count"), color="tab:blue", label="users")
    axes.set_ylabel("users", color="tab:blue")
    axes.set_xlabel("seconds since start")
    axes.axvspan(0, ramp_end - start, color="0.9")
    throughput = axes.twinx()
    throughput.plot(*values("Aggregated", "Requests/s"), color="tab:purple", label="requests/s")
    throughput.plot(*values("Aggregated", "Failures/s"), color="tab:red", label="failures/s")
    throughput.set_ylabel("requests/s")
    throughput.set_ylim(bottom=0)
    throughput.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, 0.85))
    axes.set_title("simulated users and throughput (all endpoints)", fontsize=10)
    figure.suptitle(title, fontsize=10)
    figure.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000, help="simulated readers")
    parser.add_argument("--duration", type=int, default=120, help="seconds at full strength")
    parser.add_argument("--ramp", type=int, default=60, help="seconds to spawn the readers")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--quick", action="store_true", help="200 users for 30 s")
    args = parser.parse_args()
    if args.quick:
        args.users, args.duration, args.ramp = 200, 30, 10
    RESULTS_DIR.mkdir(exist_ok=True)

    from django.conf import settings
    from django.core.management import call_command

    with fresh_database("bench_load") as server:
        call_command("up", no_serve=True, stdout=io.StringIO())
        tokens = readers_create(args.users)
        (RESULTS_DIR / "load-readers.json").write_text(json.dumps({"tokens": tokens}))
        machine = machine_line(server)
        print(machine)
        print(
            f"{args.users:,} simulated readers (7 anonymous : 3 signed in, bench/locustfile.py), "
            f"think time {THINK_TIME}, "
            f"ramp-up {args.ramp} s, then {args.duration} s measured; sample week, "
            f"{settings.GRID_SLOTS}-slot grid; gunicorn {args.workers} workers x {args.threads} "
            "thread(s); "
            f"cache: {'Redis' if settings.REDIS_URL else 'files shared by the processes'}"
        )
        print(
            f"Throttles as in production: {settings.ENGAGEMENT_ANON_RATE} per reader's address "
            f"(X-Forwarded-For, TRUSTED_PROXIES=1), {settings.ENGAGEMENT_USER_RATE} per account\n"
        )
        with gunicorn(
            server,
            workers=args.workers,
            threads=args.threads,
            extra_env=CLIENTS_BEHIND_A_PROXY,
        ) as url:
            recorded, monitor, locust_code = run_locust(url, args, server)
        with psycopg.connect(server.conninfo()) as conn:
            stored = conn.execute("SELECT count(*) FROM content_engagement").fetchone()[0]
            # No rollup worker runs here: count the events now, as it would, then recount.
            conn.execute("SELECT engagement_rollup_drain()")
            drift = conn.execute("SELECT count(*) FROM engagement_score_drift()").fetchone()[0]

    requests = recorded["requests"]
    if not requests:
        raise SystemExit(
            f"locust made no request (exit {locust_code}): see {RESULTS_DIR}/load-locust.log"
        )
    ramp_end = recorded["spawned_at"] or requests[0][0] + args.ramp
    end = max(start for start, *_ in requests)
    seconds = end - ramp_end
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: Counter[str] = Counter()
    for start, name, ms, failed in requests:
        failures[name] += failed
        if start >= ramp_end and not failed:
            latencies[name].append(ms)
    results = [
        EndpointResult(name, latencies[name], failures[name], seconds)
        for name in sorted(set(latencies) | set(failures), key=list(P99_TARGETS_MS).index)
    ]
    every = [ms for result in results for ms in result.latencies_ms]
    total_failures = sum(failures.values())
    accepted = sum(1 for _, name, _, failed in requests if name.startswith("POST") and not failed)

    print(
        f"### Load: {args.users:,} readers, think time {THINK_TIME}, {seconds:.0f} s after ramp-up\n"
    )
    print(machine + "\n")
    print("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | p99 target ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        print(result.row())
    print(EndpointResult("all", every, total_failures, seconds).row().replace("`all`", "**all**"))
    print(
        f"\nErrors count every request from the first; latencies and rates those after ramp-up. "
        f"{len(requests):,} requests in all; {stored:,} engagement events stored of {accepted:,} "
        f"accepted; score drift {drift}."
    )

    wall, used = monitor.shares(ramp_end, end)
    cores = psutil.cpu_count()
    print(f"\nCPU after ramp-up ({cores} cores x {wall:.0f} s), share of the machine:")
    for party, label in (
        ("locust", "locust (load generator)"),
        ("gunicorn", f"gunicorn ({args.workers} workers + master)"),
        ("postgres", "PostgreSQL backends of the benchmark database"),
        ("other", "everything else on the machine"),
        ("idle", "idle"),
    ):
        seconds_used = used.get(party, 0.0)
        print(
            f"  {label:<48} {100 * seconds_used / (wall * cores):5.1f} %   "
            f"({seconds_used / wall:.2f} cores)"
        )
    log = (RESULTS_DIR / "load-locust.log").read_text()
    if "CPU usage above" in log:
        print("  locust warned that its CPU usage went above 90%: its timings include its own wait")

    plot = RESULTS_DIR / "load-latency.png"
    history_plot(plot, ramp_end, f"{args.users:,} readers, think time {THINK_TIME}; {machine}")
    print(
        f"\nPlot: {plot.relative_to(PROJECT_DIR)}; locust's CSVs and log: {RESULTS_DIR.relative_to(PROJECT_DIR)}/"
    )

    # More stored than accepted is possible: locust stops readers mid-request at the end.
    if stored < accepted or drift:
        print(
            f"\nEngagement lost or miscounted: {accepted:,} accepted, {stored:,} stored, drift {drift}"
        )
        sys.exit(1)
    if total_failures:
        # locust keeps each distinct message apart: "available in 46 seconds", "in 47 seconds"...
        kinds: Counter[tuple[str, str]] = Counter()
        for row in csv.DictReader((RESULTS_DIR / "load_failures.csv").open()):
            message = re.sub(r"\d+(?= seconds)", "N", row["Error"])[:150]
            kinds[(row["Name"], message)] += int(row["Occurrences"])
        print(f"\n{total_failures} requests FAILED:")
        for (name, message), count in kinds.most_common():
            print(f"  {count:>6} x {name}: {message}")
        sys.exit(1)
    if locust_code != 0:
        sys.exit(f"locust exited with {locust_code}: see {RESULTS_DIR}/load-locust.log")


if __name__ == "__main__":
    main()
