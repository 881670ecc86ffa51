"""`manage.py doctor`: check the deployment; print what each check found; exit 1 on a failure."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from carnivore.doctor import GRID_MAX_AGE, doctor_checks


class Command(BaseCommand):
    help = (
        "Check the deployment: roles and grants, row-level security, triggers, partitions, "
        "homepage_grid, score drift, schedules, migrations. Exits 1 if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grid-max-age",
            type=int,
            default=int(GRID_MAX_AGE.total_seconds() // 60),
            metavar="MINUTES",
            help="how long ago homepage_grid may have been refreshed (default: %(default)s)",
        )

    def handle(self, *args, grid_max_age: int, **options):
        results = doctor_checks(grid_max_age=timedelta(minutes=grid_max_age))
        table = Table(title="Deployment checks")
        for column in ("check", "status", "detail"):
            table.add_column(column)
        for result in results:
            status = "[green]ok[/green]" if result.ok else "[bold red]FAIL[/bold red]"
            table.add_row(result.name, status, result.detail)
        console = Console(file=self.stdout, width=120)
        console.print(table)
        failed = [result.name for result in results if not result.ok]
        if failed:
            summary = f"{len(failed)} of {len(results)} checks failed: {', '.join(failed)}"
            console.print(f"[bold red]{summary}[/bold red]")
            raise SystemExit(1)
        console.print(f"[green]all {len(results)} checks passed[/green]")
