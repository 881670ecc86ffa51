"""`manage.py up`: set up everything a demo needs, then serve it (README command 1).

Migrates, then runs the steps of carnivore/demo.py, those of carnivore and those the apps
register: prepares the engagement partitions, creates the demo accounts (an admin, an editor,
an auditor and a reader: on the embedded database, or with --demo), imports the project's own
sample week, refreshes the grid, registers the job schedules. Then starts gunicorn, the
engagement rollup worker and the django-q2 cluster, and prints the URL and the logins.
Each step is idempotent, so `up` can be run again at any time.

The web server's port is bound before anything else happens, and gunicorn is handed that very
socket: a port already taken (say, by another `up`) stops `up` at once with a message and a
non-zero exit, before it sets up or starts anything. The job cluster starts only once gunicorn
answers, and whichever way `up` ends, it stops what it started.
"""

from __future__ import annotations

import errno
import http.client
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from carnivore.demo import DEMO_PASSWORD, demo_accounts_wanted, demo_steps_run

WEB_START_TIMEOUT = 120  # seconds gunicorn may take to answer its first request
CHILD_STOP_TIMEOUT = 60  # seconds a child may take to stop before it is killed


class Command(BaseCommand):
    help = "Set up the demo (database, accounts, sample week, schedules) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--no-jobs", action="store_true", help="do not start the job cluster")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="create the demo accounts (published password) on a DATABASE_URL database too",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        workers: int,
        no_serve: bool,
        no_jobs: bool,
        demo: bool,
        **options,
    ):
        listener = None if no_serve else reserve_port(host, port)
        self.step("Migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        for line in demo_steps_run(demo=demo):
            self.step(line)
        self.demo_accounts = demo_accounts_wanted(demo=demo)
        if no_serve:
            return
        self.serve(listener, host, port, workers, with_jobs=not no_jobs)

    def step(self, message: str) -> None:
        self.stdout.write(self.style.SUCCESS("✓ ") + message)

    def serve(
        self, listener: socket.socket, host: str, port: int, workers: int, *, with_jobs: bool
    ) -> None:
        """Run gunicorn on `listener` (and the job cluster) in the foreground until Ctrl-C."""
        url = f"http://{host}:{port}"
        children: list[subprocess.Popen] = []
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            web = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "carnivore.wsgi",
                    "--bind",
                    f"fd://{listener.fileno()}",
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    "-",
                    # Its default path (XDG_RUNTIME_DIR/gunicorn.ctl) is one for every `up` of
                    # this checkout: a second one, on another port, would take the first's.
                    "--no-control-socket",
                ],
                cwd=settings.BASE_DIR,
                pass_fds=[listener.fileno()],
            )
            children.append(web)
            listener.close()  # gunicorn holds the port now; it is free again once gunicorn exits
            self.wait_until_answering(web, host, port)
            # The engagement rollup keeps the figures within seconds of the events: always on.
            children.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "engagement_rollup_worker"],
                    cwd=settings.BASE_DIR,
                )
            )
            if with_jobs:
                children.append(
                    subprocess.Popen(
                        [sys.executable, "manage.py", "qcluster"], cwd=settings.BASE_DIR
                    )
                )
            self.print_welcome(url, with_jobs=with_jobs)
            # Ctrl-C reaches the whole process group: gunicorn may finish before we notice it.
            code = web.wait()
            if code != 0:
                raise CommandError(f"The web server (gunicorn) stopped (exit code {code}).")
        except KeyboardInterrupt:
            pass
        finally:
            stop_children(children)
        self.stdout.write("Carnivore Weekly stopped.")

    def wait_until_answering(self, web: subprocess.Popen, host: str, port: int) -> None:
        """Return once gunicorn answers an HTTP request; fail if it exits or takes too long."""
        deadline = time.monotonic() + WEB_START_TIMEOUT
        while not answers_http(host, port):
            code = web.poll()
            if code is not None:
                raise CommandError(
                    f"The web server (gunicorn) exited while starting (exit code {code}); "
                    "its messages are above. Nothing is left running."
                )
            if time.monotonic() > deadline:
                raise CommandError(
                    f"The web server (gunicorn) did not answer on {host}:{port} within "
                    f"{WEB_START_TIMEOUT} s; it has been stopped."
                )
            time.sleep(0.2)

    def print_welcome(self, url: str, *, with_jobs: bool) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Carnivore Weekly is running at {url}/"))
        self.stdout.write(f"  homepage API: {url}/api/grid/   (docs: {url}/api/docs/)")
        if self.demo_accounts:
            self.stdout.write(f"  admin:   {url}/admin/  (login: admin / {DEMO_PASSWORD};")
            self.stdout.write(f"           editor / {DEMO_PASSWORD}; auditor / {DEMO_PASSWORD})")
            self.stdout.write(
                f"  reader:  reader / {DEMO_PASSWORD}: POST {url}/api/auth/token/ for an API token"
            )
        else:
            self.stdout.write(
                f"  admin:   {url}/admin/  (your own account: manage.py createsuperuser)"
            )
        self.stdout.write(f"  health:  {url}/healthz")
        self.stdout.write(
            "  jobs:    "
            + ("django-q2 cluster running" if with_jobs else "not started (--no-jobs)")
            + "; engagement rollup every second"
        )
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.flush()


def reserve_port(host: str, port: int) -> socket.socket:
    """Bind and listen on `host`:`port` now, so that a port already taken stops `up` before it
    starts anything (and nobody can take it while `up` sets up)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror}") from None
    listener = socket.socket(family, kind, proto)
    # As gunicorn does: connections of a previous run still in TIME_WAIT do not block the port.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(2048)  # gunicorn's default backlog
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise CommandError(
                f"Port {port} on {host} is already in use (is Carnivore Weekly already "
                "running?). Stop whatever holds it, or choose another port with --port. "
                "Nothing was started."
            ) from None
        raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror}") from None
    return listener


def answers_http(host: str, port: int) -> bool:
    """Whether an HTTP request to `host`:`port` gets any answer (gunicorn holds the socket, so
    whoever answers is our gunicorn)."""
    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    connection = http.client.HTTPConnection(probe_host, port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def stop_children(children: list[subprocess.Popen]) -> None:
    """Stop each child still running: SIGTERM to its own PID (the job cluster hangs if its whole
    process group gets SIGTERM), then SIGKILL if it does not stop in time."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=CHILD_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    children.clear()


def _interrupt(signum, frame):
    """Treat SIGTERM like Ctrl-C, so that children are stopped before `up` exits."""
    raise KeyboardInterrupt
