"""django-q2 entry points of the project itself; each only calls a service."""

from carnivore.jobs import single_flight
from carnivore.sessions import sessions_clear_expired


@single_flight("clear_expired_sessions")
def clear_expired_sessions():
    """The daily clean-up of staff sessions past their expiry."""
    return {"deleted": sessions_clear_expired()}
