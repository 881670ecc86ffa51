"""`manage.py refresh_bento_grid`: decay scores, re-rank, refresh homepage_grid, now."""

from django.core.management.base import BaseCommand

from grid.models import RefreshTrigger
from grid.services import grid_refresh


class Command(BaseCommand):
    help = "Recompute scores, re-rank the active grid items and refresh homepage_grid."

    def handle(self, *args, **options):
        result = grid_refresh(trigger=RefreshTrigger.COMMAND)
        self.stdout.write(
            f"refreshed in {result.duration_ms:.1f} ms: {result.items_ranked} active items, "
            f"{result.items_moved} moved, {result.items_rescored} rescored; "
            f"hero {result.old_hero_id} -> {result.new_hero_id} (run {result.run_id})"
        )
