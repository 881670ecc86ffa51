"""Reads of the engagement app that are more than one-liners."""

from dataclasses import dataclass

from django.db import connection


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
