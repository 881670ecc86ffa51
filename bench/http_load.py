"""HTTP benchmarks' plumbing: gunicorn serving a benchmark database, and wrk driving it.

wrk (Debian's package) is a C load generator, light enough not to steal the server's two cores.
Its Lua `delay()` hook paces each connection, so a run holds a steady request rate instead of
flooding the server: rate ~= connections x 1000 / (delay + latency).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import PROJECT_DIR, Server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Server settings for `wrk(..., clients=N)`: the client address is the last of X-Forwarded-For.
CLIENTS_BEHIND_A_PROXY = {"TRUSTED_PROXIES": "1"}


@contextmanager
def gunicorn(
    server: Server,
    *,
    workers: int = 2,
    threads: int = 1,
    extra_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Serve the application on `server`'s database with gunicorn's sync workers (as `up`
    does); yield its base URL."""
    port = _free_port()
    # No replica: the benchmark database exists on `server` alone.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"}
    env.update({"DATABASE_URL": server.url(), **(extra_env or {})})
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "carnivore.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",  # more than 1: gunicorn's gthread workers
        str(threads),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)  # warnings and errors shown
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - our own server
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(f"gunicorn exited with {process.returncode}") from None
                time.sleep(0.1)
        for _ in range(workers * 4):  # let every worker load the application once
            urllib.request.urlopen(f"{url}/healthz", timeout=5)  # noqa: S310
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    errors: int
    percentiles_ms: dict[float, float]  # 50, 75, 90, 99 -> latency
    mean_ms: float

    def line(self) -> str:
        p = self.percentiles_ms
        return (
            f"{self.requests_per_second:7.0f} req/s   p50 {p[50]:6.2f} ms   p90 {p[90]:6.2f} ms   "
            f"p99 {p[99]:6.2f} ms   errors {self.errors}/{self.requests}"
        )


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str,
    *,
    rate: float,
    seconds: int,
    method: str = "GET",
    body: dict | list | None = None,
    headers: dict[str, str] | None = None,
    connections: int = 10,
    clients: int = 0,
) -> WrkResult:
    """Drive `url` at about `rate` requests a second for `seconds` with wrk.

    Each connection waits a fixed time between a response and its next request. A 3-second
    calibration run first measures the mean latency, which adds to each connection's cycle, and
    the wait is set so that the measured run holds `rate`. (A wait drawn at random from wrk's
    Lua `delay()` inflates wrk's own latencies: 20 ms at p90 for a 1 ms response.)

    With `clients`, each request comes from one of that many client addresses, drawn at random
    and sent in X-Forwarded-For (for a server started with TRUSTED_PROXIES=1, see
    `CLIENTS_BEHIND_A_PROXY`): per-client throttling then works as it does for real readers.
    """
    cycle_ms = connections * 1000 / rate  # what each connection's wait + latency must come to
    run = dict(method=method, body=body, headers=headers, clients=clients)
    calibration = _run_wrk(url, connections, cycle_ms - 2, 3, **run)
    delay_ms = max(0.0, cycle_ms - calibration.mean_ms)
    return _run_wrk(url, connections, delay_ms, seconds, **run)


def _run_wrk(
    url: str,
    connections: int,
    delay_ms: float,
    seconds: int,
    *,
    method: str,
    body: dict | list | None,
    headers: dict[str, str] | None,
    clients: int,
) -> WrkResult:
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    request = {"method": method, "headers": {"Content-Type": "application/json", **(headers or {})}}
    script = f"function delay() return {round(delay_ms)} end\n"
    script += f"wrk.method = {json.dumps(method)}\n"
    for name, value in request["headers"].items():
        script += f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n"
    if body is not None:
        script += f"wrk.body = {json.dumps(json.dumps(body))}\n"
    if clients:
        script += (
            "function request()\n"
            f"  local n = math.random(0, {clients - 1})\n"
            '  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", '
            "math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)\n"
            "  return wrk.format()\nend\n"
        )
    script += (
        "errors = 0\nfunction response(status, headers, body)\n"
        "  if status >= 400 then errors = errors + 1 end\nend\n"
        "function done(summary, latency, requests) io.write(string.format('ERRORS %d\\n', "
        "summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout)) end\n"
    )
    script_file = Path(tempfile.mkstemp(suffix=".lua")[1])
    script_file.write_text(script)
    try:
        output = subprocess.run(
            [
                binary,
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script_file),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        script_file.unlink()
    percentiles = {
        float(p): _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)$", output, re.MULTILINE)
    }
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = int(re.search(r"ERRORS (\d+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    mean_ms = _ms(re.search(r"^\s+Latency\s+(\S+)", output, re.MULTILINE).group(1))
    return WrkResult(rps, requests, errors, percentiles, mean_ms)
