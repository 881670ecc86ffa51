"""Reads of the engagement app that are more than one-liners."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from carnivore.db_context import SERVICE, run_as


@dataclass(frozen=True)
class Partition:
    name: str
    bound: str  # PostgreSQL's own text, e.g. "FOR VALUES FROM (...) TO (...)" or "DEFAULT"


def engagement_partitions() -> list[Partition]:
    """Return the partitions of content_engagement, DEFAULT last, months in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'content_engagement'::regclass
            ORDER BY c.relname = 'content_engagement_default', c.relname
            """
        )
        return [Partition(name, bound) for name, bound in cursor.fetchall()]


@dataclass(frozen=True)
class Drift:
    """A stored figure that differs from a recount of the raw events."""

    grid_item_id: int | None  # None for a rollup row
    content_type: str
    content_id: int
    figure: str
    stored: Decimal
    recounted: Decimal


def engagement_score_drift() -> list[Drift]:
    """Recount every score, count and rollup from the raw events; return what differs.

    Runs under the service role, which may read every event. Reads the whole event log.
    """
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM engagement_score_drift() ORDER BY content_type, content_id, figure"
        )
        return [Drift(*row) for row in cursor.fetchall()]
