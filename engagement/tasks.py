"""django-q2 entry points of the engagement app; each only calls a service."""

from carnivore.jobs import single_flight
from engagement.retention import engagement_retention_run
from engagement.services import engagement_partitions_ensure, engagement_salts_expire


@single_flight("ensure_partitions")
def ensure_partitions():
    """The daily maintenance: this month and the next two partitions exist, and the salts of
    anonymous readers' fingerprints of past days are gone."""
    created = engagement_partitions_ensure()
    engagement_salts_expire()
    return created


@single_flight("engagement_retention")
def engagement_retention():
    """The daily data lifecycle (engagement/retention.py): months of events older than
    ENGAGEMENT_RETENTION_MONTHS detached, archived and dropped. Returns the report's lines (the
    job's result in the admin); a failure fails the job with a message naming the month."""
    return engagement_retention_run().lines()
