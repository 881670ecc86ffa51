"""grid's step of `manage.py up` (registered with carnivore/demo.py by GridConfig.ready()): a
grid refresh, which ranks what the sample week brought."""

from carnivore.demo import demo_step
from grid.models import RefreshTrigger
from grid.services import grid_refresh


@demo_step(order=40)
def demo_grid_refresh() -> str:
    """Refresh the homepage grid now."""
    refresh = grid_refresh(trigger=RefreshTrigger.COMMAND)
    return f"Homepage grid refreshed ({refresh.items_ranked} items ranked)"
