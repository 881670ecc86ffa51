"""django-q2 entry points of the grid app; each only calls a service."""

from carnivore.jobs import single_flight
from grid.models import RefreshTrigger
from grid.services import grid_refresh


@single_flight("refresh_bento_grid")
def refresh_bento_grid():
    """The hourly refresh: decay, re-rank, refresh homepage_grid."""
    return grid_refresh(trigger=RefreshTrigger.SCHEDULE).__dict__
