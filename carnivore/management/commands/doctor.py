"""`manage.py doctor`: check the deployment; print what each check found; exit 1 on a failure."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from carnivore.doctor import doctor_checks


class Command(BaseCommand):
    help = (
        "Check the deployment: migrations, the connecting role, roles and grants, row-level "
        "security and functions as declared, triggers, schedules, and each app's own checks "
        "(audit log, partitions, homepage_grid, score drift, alerts). Exits 1 if anything is "
        "wrong; a warning says what a passing setup costs."
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
            if not result.ok:
                status = "[bold red]FAIL[/bold red]"
            else:
                status = "[yellow]warn[/yellow]" if result.warning else "[green]ok[/green]"
            table.add_row(result.name, status, result.detail)
        console = Console(file=self.stdout, width=120)
        console.print(table)
        failed = [result.name for result in results if not result.ok]
        if failed:
            summary = f"{len(failed)} of {len(results)} checks failed: {', '.join(failed)}"
            console.print(f"[bold red]{summary}[/bold red]")
            raise SystemExit(1)
        warned = [result.name for result in results if result.warning]
        warnings = f" ({len(warned)} with a warning: {', '.join(warned)})" if warned else ""
        console.print(f"[green]all {len(results)} checks passed{warnings}[/green]")
