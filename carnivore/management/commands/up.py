"""`manage.py up`: set up everything a demo needs, then serve it (README command 1).

Migrates, prepares the engagement partitions, creates the demo accounts, then starts gunicorn
and prints the URL and the logins. Each step is idempotent, so `up` can be run again at any time.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from engagement.services import engagement_partitions_ensure

DEMO_PASSWORD = "carnivore-demo"  # noqa: S105 - local demo only: `up` listens on 127.0.0.1 unless told otherwise


class Command(BaseCommand):
    help = (
        "Migrate, create the demo accounts, and serve the application (the README's first command)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")

    def handle(self, *args, host: str, port: int, workers: int, no_serve: bool, **options):
        self.step("Migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        created = engagement_partitions_ensure(months_ahead=2)
        self.step(f"Engagement partitions ready ({len(created)} created)")
        admin = self.ensure_demo_admin()
        self.step(f"Demo admin: {admin.username}")
        if no_serve:
            return
        self.serve(host, port, workers)

    def step(self, message: str) -> None:
        self.stdout.write(self.style.SUCCESS("✓ ") + message)

    def ensure_demo_admin(self):
        """Create the demo superuser unless it exists; never reset a password someone changed."""
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username="admin",
            defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        return admin

    def serve(self, host: str, port: int, workers: int) -> None:
        """Run gunicorn in the foreground until Ctrl-C."""
        url = f"http://{host}:{port}"
        command = [
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
        ]
        web = subprocess.Popen(command, cwd=settings.BASE_DIR)  # noqa: S603 - fixed argv
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Carnivore Weekly is running at {url}/"))
        self.stdout.write(f"  admin:   {url}/admin/  (login: admin / {DEMO_PASSWORD})")
        self.stdout.write(f"  health:  {url}/healthz")
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.flush()
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            web.wait()
        except KeyboardInterrupt:
            web.send_signal(signal.SIGTERM)
            web.wait(timeout=30)


def _interrupt(signum, frame):
    """Treat SIGTERM like Ctrl-C, so that children are stopped before `up` exits."""
    raise KeyboardInterrupt
