"""django-q2 entry points of the trending app; each only calls a service."""

from carnivore.jobs import single_flight
from trending.alerts import alerts_deliver


@single_flight("deliver_trending_alerts")
def deliver_trending_alerts():
    """Deliver due trending alerts (every minute, and right after an import)."""
    return alerts_deliver().__dict__
