"""engagement's step of `manage.py up` (registered with carnivore/demo.py by
EngagementConfig.ready()): content_engagement's partitions for this month and the next."""

from carnivore.demo import demo_step
from engagement.services import engagement_partitions_ensure


@demo_step(order=10)
def demo_partitions_ensure() -> str:
    """Create the partitions of content_engagement that are missing."""
    created = engagement_partitions_ensure()
    return f"Engagement partitions ready ({len(created)} created)"
