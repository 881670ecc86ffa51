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


def engagement_missing_content(pairs: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """Return the (content_type, content_id) pairs that are not active content the caller sees.

    Runs under the caller's role: content hidden from them counts as missing.
    """
    if not pairs:
        return set()
    types, ids = zip(*sorted(set(pairs)), strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.content_type, t.content_id
            FROM unnest(%s::varchar[], %s::bigint[]) AS t (content_type, content_id)
            WHERE NOT EXISTS (
                SELECT 1 FROM grid_content c
                WHERE c.content_type = t.content_type AND c.content_id = t.content_id
                  AND c.is_active)
            """,
            [list(types), list(ids)],
        )
        return set(cursor.fetchall())
