"""`manage.py doctor`: check the deployment; print what each check found; exit 1 on a failure."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from carnivore.doctor import doctor_checks


class Command(BaseCommand):
    help = (
        "Check the deployment: migrations, roles and grants, row-level security, triggers, "
        "schedules, and each app's own checks (partitions, homepage_grid, score drift). "
        "Exits 1 if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grid-max-age",
            type=int,
            metavar="MINUTES",
            help="how long ago homepage_grid may have been refreshed"
            " (default: GRID_MAX_AGE in grid/checks.py)",
        )

    def handle(self, *args, grid_max_age: int | None, **options):
        check_options = {}
        if grid_max_age is not None:
            check_options["grid_max_age"] = timedelta(minutes=grid_max_age)
        results = doctor_checks(**check_options)
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
