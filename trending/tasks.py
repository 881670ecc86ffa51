"""django-q2 entry points of the trending app; each only calls a service."""

import logging
from datetime import UTC

from carnivore.db_context import SERVICE, run_as
from carnivore.jobs import single_flight
from grid.models import RefreshTrigger
from grid.services import grid_refresh
from trending.alerts import alerts_deliver
from trending.selectors import weekly_files_imported
from trending.weekly_import.run import configured_import, import_files, weekly_import

logger = logging.getLogger(__name__)


@single_flight("deliver_trending_alerts")
def deliver_trending_alerts():
    """Deliver due trending alerts (every minute, and right after an import)."""
    return alerts_deliver().__dict__


@single_flight("import_weekly")
def import_weekly():
    """The weekly import of the files at ANALYZED_CONTENT_PATH and YOUTUBE_DATA_PATH (and the
    creator profiles and leaderboard, when configured), then a grid refresh so that the new
    week's items take their places at once.

    A report or crawl that is byte for byte the one imported before (the pipeline has not
    written the new week yet) is imported again, which changes nothing, and said so: a warning
    and a line of the result, "unchanged since the import of <when>: <path>".
    """
    configured = configured_import()
    if not configured.analyzed and not configured.youtube:
        return {"skipped": "ANALYZED_CONTENT_PATH and YOUTUBE_DATA_PATH are not set"}
    analyzed, youtube = import_files(configured.analyzed), import_files(configured.youtube)
    with run_as(SERVICE):
        already_imported = weekly_files_imported([*analyzed, *youtube])
    unchanged = [
        f"unchanged since the import of {file.imported_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC: "
        f"{file.path}"
        for file in already_imported
    ]
    for line in unchanged:
        logger.warning("weekly import: %s", line)
    summary = weekly_import(
        analyzed=analyzed,
        youtube=youtube,
        bios=configured.bios,
        rankings=configured.rankings,
    )
    grid_refresh(trigger=RefreshTrigger.SCHEDULE)
    return {
        "counts": {kind: vars(counts) for kind, counts in summary.counts.items()},
        "unchanged": unchanged,
    }
