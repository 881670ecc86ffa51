"""Reads of the engagement app that are more than one-liners."""

from dataclasses import dataclass
from datetime import datetime
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

    First counts every committed event (the rollup), so that what is compared is complete;
    then runs under the service role, which may read every event. Reads the whole event log.
    """
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT engagement_rollup_drain()")
        cursor.execute(
            "SELECT * FROM engagement_score_drift() ORDER BY content_type, content_id, figure"
        )
        return [Drift(*row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class RollupLag:
    """How far the engagement rollup trails the events."""

    drained_at: datetime | None  # the last run, None before the first
    waiting: int  # events stored since the last run (committed or not yet)


def engagement_rollup_lag() -> RollupLag:
    """Return when the rollup last ran and how many events it has yet to count (read as the
    service role; the events are found by the index on insert_xid)."""
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT drained_at FROM engagement_rollup_state WHERE id = 1),"
            " (SELECT count(*) FROM content_engagement e WHERE e.insert_xid >= coalesce("
            "   (SELECT next_xid FROM engagement_rollup_state WHERE id = 1), '0'::xid8))"
        )
        drained_at, waiting = cursor.fetchone()
    return RollupLag(drained_at=drained_at, waiting=waiting)
