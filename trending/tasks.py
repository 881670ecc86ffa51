"""django-q2 entry points of the trending app; each only calls a service."""

from carnivore.jobs import single_flight
from grid.models import RefreshTrigger
from grid.services import grid_refresh
from trending.alerts import alerts_deliver
from trending.weekly_import.run import configured_import, import_files, weekly_import


@single_flight("deliver_trending_alerts")
def deliver_trending_alerts():
    """Deliver due trending alerts (every minute, and right after an import)."""
    return alerts_deliver().__dict__


@single_flight("import_weekly")
def import_weekly():
    """The weekly import of the files at ANALYZED_CONTENT_PATH and YOUTUBE_DATA_PATH (and the
    creator profiles and leaderboard, when configured), then a grid refresh so that the new
    week's items take their places at once."""
    configured = configured_import()
    if not configured.analyzed and not configured.youtube:
        return {"skipped": "ANALYZED_CONTENT_PATH and YOUTUBE_DATA_PATH are not set"}
    summary = weekly_import(
        analyzed=import_files(configured.analyzed),
        youtube=import_files(configured.youtube),
        bios=configured.bios,
        rankings=configured.rankings,
    )
    grid_refresh(trigger=RefreshTrigger.SCHEDULE)
    return {kind: vars(counts) for kind, counts in summary.counts.items()}
