"""Writes of the engagement app: partition maintenance (event recording comes with the API)."""

from django.db import connection

from carnivore.db_context import SERVICE, run_as


def engagement_partitions_ensure(*, months_ahead: int = 2) -> list[str]:
    """Create the monthly partitions of content_engagement from this month to `months_ahead`.

    Idempotent: returns the names of the partitions it created, an empty list when all exist.
    Rows of a new month already caught by the DEFAULT partition are moved into it.
    """
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT engagement_ensure_partitions(%s)", [months_ahead])
        return [name for (name,) in cursor.fetchall()]
