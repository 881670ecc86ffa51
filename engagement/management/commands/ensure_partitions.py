"""`manage.py ensure_partitions`: create the months ahead of content_engagement (idempotent)."""

from django.core.management.base import BaseCommand

from engagement.services import PARTITION_MONTHS_AHEAD, engagement_partitions_ensure


class Command(BaseCommand):
    help = (
        "Create the monthly partitions of content_engagement for this month and the months ahead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months-ahead",
            type=int,
            default=PARTITION_MONTHS_AHEAD,
            help=f"months after this one to prepare (default {PARTITION_MONTHS_AHEAD})",
        )

    def handle(self, *args, months_ahead: int, **options):
        if not 0 <= months_ahead <= 24:
            self.stderr.write("--months-ahead must be between 0 and 24")
            raise SystemExit(2)
        created = engagement_partitions_ensure(months_ahead=months_ahead)
        if created:
            for name in created:
                self.stdout.write(f"created {name}")
        else:
            self.stdout.write("all partitions present; nothing to do")
