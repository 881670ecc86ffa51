"""`manage.py verify_scores`: recount every engagement figure from raw events; exit 1 on drift."""

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from engagement.selectors import engagement_score_drift


class Command(BaseCommand):
    help = "Recount scores, counts and rollups from content_engagement and report any drift."

    def handle(self, *args, **options):
        drift = engagement_score_drift()
        console = Console(file=self.stdout, width=120)
        if not drift:
            console.print(
                "[green]✓[/green] no drift: every figure equals a recount of the raw events"
            )
            return
        table = Table(title=f"{len(drift)} figures drifted from the raw events")
        for column in ("grid item", "content", "figure", "stored", "recounted"):
            table.add_column(column)
        for row in drift:
            table.add_row(
                str(row.grid_item_id or "-"),
                f"{row.content_type} {row.content_id}",
                row.figure,
                str(row.stored),
                str(row.recounted),
            )
        console.print(table)
        raise SystemExit(1)
