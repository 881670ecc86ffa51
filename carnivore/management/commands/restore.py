"""`manage.py restore FILE --into NAME`: restore a backup into a new database, and check it."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carnivore.backups import BackupError, database_restore, database_url


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` (or pg_dump -Fc) into the new database NAME on the "
        "same server, owned by the same role; with --doctor, run doctor against it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup to restore")
        parser.add_argument(
            "--into",
            required=True,
            metavar="NAME",
            help="the database to restore into: a new one (created) or an empty one",
        )
        parser.add_argument(
            "--doctor",
            action="store_true",
            help="then run `manage.py doctor` against the restored database (exit 1 if it fails)",
        )

    def handle(self, *args, file: str, into: str, doctor: bool, **options):
        try:
            restore = database_restore(path=file, into=into)
        except BackupError as error:
            raise CommandError(f"restore failed: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {restore.path} into "
                f"{'the new' if restore.created else 'the empty'} database {restore.database} "
                f"({restore.program})"
            )
        )
        if doctor:
            self.run_doctor(into)
        else:
            self.stdout.write(
                "Check it (with its server running): "
                f"DATABASE_URL='{database_url(into)}' manage.py doctor"
            )

    def run_doctor(self, into: str) -> None:
        """Run doctor in a child process on the restored database; this process keeps the
        embedded server (if it is the one in use) running meanwhile."""
        self.stdout.write(f"Running doctor against {into}:")
        self.stdout.flush()
        env = {name: value for name, value in os.environ.items() if name != "DATABASE_REPLICA_URL"}
        env["DATABASE_URL"] = database_url(into, with_password=True)
        finished = subprocess.run(  # noqa: S603 - this project's manage.py
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "doctor"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        self.stdout.write(finished.stdout, ending="")
        self.stderr.write(finished.stderr, ending="")
        if finished.returncode != 0:
            raise CommandError(f"doctor found problems in the restored database {into}")
