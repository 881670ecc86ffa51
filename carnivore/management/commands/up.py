"""`manage.py up`: set up everything a demo needs, then serve it (README command 1).

Migrates, then runs the steps of carnivore/demo.py, those of carnivore and those the apps
register: prepares the engagement partitions, creates the demo accounts (an admin, an editor,
an auditor and a reader: on the embedded database, or with --demo), imports the project's own
sample week, refreshes the grid, registers the job schedules. Then starts the django-q2
cluster and gunicorn, and prints the URL and the logins.
Each step is idempotent, so `up` can be run again at any time.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from carnivore.demo import DEMO_PASSWORD, demo_accounts_wanted, demo_steps_run


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
        self.step("Migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        for line in demo_steps_run(demo=demo):
            self.step(line)
        self.demo_accounts = demo_accounts_wanted(demo=demo)
        if no_serve:
            return
        self.serve(host, port, workers, with_jobs=not no_jobs)

    def step(self, message: str) -> None:
        self.stdout.write(self.style.SUCCESS("✓ ") + message)

    def serve(self, host: str, port: int, workers: int, *, with_jobs: bool) -> None:
        """Run gunicorn (and the job cluster) in the foreground until Ctrl-C."""
        url = f"http://{host}:{port}"
        # The engagement rollup keeps the figures within seconds of the events: always on.
        children = [
            subprocess.Popen(
                [sys.executable, "manage.py", "engagement_rollup_worker"], cwd=settings.BASE_DIR
            )
        ]
        if with_jobs:
            children.append(
                subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=settings.BASE_DIR)
            )
        web = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "gunicorn",
                "carnivore.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ],
            cwd=settings.BASE_DIR,
        )
        children.append(web)
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
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            web.wait()
        except KeyboardInterrupt:
            # Signal each child's own PID only: the cluster hangs if its whole group gets SIGTERM.
            for child in children:
                child.send_signal(signal.SIGTERM)
            for child in children:
                child.wait(timeout=60)


def _interrupt(signum, frame):
    """Treat SIGTERM like Ctrl-C, so that children are stopped before `up` exits."""
    raise KeyboardInterrupt
