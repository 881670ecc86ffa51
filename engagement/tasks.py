"""django-q2 entry points of the engagement app; each only calls a service."""

from carnivore.jobs import single_flight
from engagement.services import engagement_partitions_ensure, engagement_salts_expire


@single_flight("ensure_partitions")
def ensure_partitions():
    """The daily maintenance: this month and the next two partitions exist, and the salts of
    anonymous readers' fingerprints of past days are gone."""
    created = engagement_partitions_ensure()
    engagement_salts_expire()
    return created
