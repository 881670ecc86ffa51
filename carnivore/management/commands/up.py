"""`manage.py up`: set up everything a demo needs, then serve it (README command 1).

Migrates, prepares the engagement partitions, creates the demo accounts (an admin, an editor
and an auditor), imports the project's own sample week, refreshes the grid, registers the job
schedules, then starts the django-q2 cluster and gunicorn, and prints the URL and the logins.
Each step is idempotent, so `up` can be run again at any time.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from carnivore.db_context import AUDITORS_GROUP, EDITORS_GROUP
from carnivore.jobs import schedules_register
from engagement.services import engagement_partitions_ensure
from grid.models import RefreshTrigger
from grid.services import grid_refresh
from trending.services import sample_week_import

DEMO_PASSWORD = "carnivore-demo"  # noqa: S105 - local demo only: `up` listens on 127.0.0.1
DEMO_ACCOUNTS = (  # username, superuser, group
    ("admin", True, None),
    ("editor", False, EDITORS_GROUP),
    ("auditor", False, AUDITORS_GROUP),
)


class Command(BaseCommand):
    help = "Set up the demo (database, accounts, sample week, schedules) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--no-jobs", action="store_true", help="do not start the job cluster")

    def handle(
        self, *args, host: str, port: int, workers: int, no_serve: bool, no_jobs: bool, **options
    ):
        self.step("Migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        created = engagement_partitions_ensure()
        self.step(f"Engagement partitions ready ({len(created)} created)")
        for username, _, _ in DEMO_ACCOUNTS:
            self.ensure_demo_account(username)
        self.step("Demo accounts: admin, editor, auditor")
        summary = sample_week_import()
        created_rows = sum(counts.created for counts in summary.counts.values())
        self.step(f"Sample week imported ({created_rows} rows created)")
        refresh = grid_refresh(trigger=RefreshTrigger.COMMAND)
        self.step(f"Homepage grid refreshed ({refresh.items_ranked} items ranked)")
        schedules_register()
        self.step(
            "Job schedules registered (hourly refresh, weekly import, partitions, sessions, alerts)"
        )
        if no_serve:
            return
        self.serve(host, port, workers, with_jobs=not no_jobs)

    def step(self, message: str) -> None:
        self.stdout.write(self.style.SUCCESS("✓ ") + message)

    def ensure_demo_account(self, username: str):
        """Create a demo account unless it exists; never reset a password someone changed."""
        superuser, group = next((s, g) for name, s, g in DEMO_ACCOUNTS if name == username)
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.com",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        return user

    def serve(self, host: str, port: int, workers: int, *, with_jobs: bool) -> None:
        """Run gunicorn (and the job cluster) in the foreground until Ctrl-C."""
        url = f"http://{host}:{port}"
        children = []
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
        self.stdout.write(f"  admin:   {url}/admin/  (login: admin / {DEMO_PASSWORD};")
        self.stdout.write(f"           editor / {DEMO_PASSWORD}; auditor / {DEMO_PASSWORD})")
        self.stdout.write(f"  health:  {url}/healthz")
        self.stdout.write(
            "  jobs:    "
            + ("django-q2 cluster running" if with_jobs else "not started (--no-jobs)")
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
