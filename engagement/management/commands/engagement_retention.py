"""`manage.py engagement_retention [--dry-run]`: retire the months of engagement events older
than ENGAGEMENT_RETENTION_MONTHS (engagement/retention.py), as the daily job does."""

from django.core.management.base import BaseCommand, CommandError

from carnivore.jobs import single_flight
from engagement.retention import RetentionError, engagement_retention_run


class Command(BaseCommand):
    help = (
        "Detach the months of content_engagement older than ENGAGEMENT_RETENTION_MONTHS, archive"
        " each with pg_dump into ENGAGEMENT_ARCHIVE_DIR (or not, with ENGAGEMENT_RETENTION_DROP),"
        " and drop it. Idempotent; a failed archive drops nothing and exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="say which months would be retired, and where archived; change nothing",
        )

    def handle(self, *args, dry_run: bool, **options):
        # The daily job's lock: a run by hand never overlaps the job's.
        run = single_flight("engagement_retention")(engagement_retention_run)
        try:
            report = run(dry_run=dry_run)
        except RetentionError as error:
            if error.report is not None:
                for line in error.report.lines()[1:]:
                    self.stdout.write(line)
            raise CommandError(f"engagement retention stopped: {error}") from None
        if isinstance(report, dict):  # single_flight's answer
            raise CommandError(
                "engagement retention is running already (the daily job?): try again later"
            )
        for line in report.lines():
            self.stdout.write(line)
