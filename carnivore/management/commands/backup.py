"""`manage.py backup FILE`: dump the database (pg_dump, custom format) into FILE, atomically."""

from django.core.management.base import BaseCommand, CommandError

from carnivore.backups import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Back up the database into FILE (pg_dump's custom format). Starts the embedded server "
        "if it is the one in use; a failure leaves no file behind and exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup, e.g. carnivore.dump")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")

    def handle(self, *args, file: str, overwrite: bool, **options):
        try:
            backup = database_backup(path=file, overwrite=overwrite)
        except BackupError as error:
            raise CommandError(f"backup failed: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up database {backup.database} into {backup.path} "
                f"({backup.size:,} bytes, {backup.program})"
            )
        )
