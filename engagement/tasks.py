"""django-q2 entry points of the engagement app; each only calls a service."""

from carnivore.jobs import single_flight
from engagement.services import engagement_partitions_ensure


@single_flight("ensure_partitions")
def ensure_partitions():
    """The daily partition maintenance: this month and the next two exist."""
    return engagement_partitions_ensure()
