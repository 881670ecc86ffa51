"""Writes of the engagement app: recording events, recording dropped requests, partitions."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection

from carnivore.db_context import SERVICE, run_as
from engagement.models import DropReason

# One statement for a whole batch: the scoring trigger then runs once for all of it. No
# RETURNING, since anonymous callers may not read events back (not even their own).
_INSERT_EVENTS = """
INSERT INTO content_engagement (
    content_type, content_id, user_id, interaction_type, sentiment, sentiment_score,
    comment_text, metadata, event_uuid, created_at)
SELECT e.content_type, e.content_id, %(user_id)s, e.interaction_type, e.sentiment,
       e.sentiment_score, e.comment_text, coalesce(e.metadata, '{}'::jsonb), e.event_uuid,
       coalesce(e.created_at, now())
FROM jsonb_to_recordset(%(events)s::jsonb) AS e (
    content_type varchar, content_id bigint, interaction_type varchar, sentiment varchar,
    sentiment_score numeric, comment_text text, metadata jsonb, event_uuid uuid,
    created_at timestamptz)
"""


@dataclass(frozen=True)
class EventInput:
    """One reader interaction, as validated by the API."""

    content_type: str
    content_id: int
    interaction_type: str
    sentiment: str | None = None
    sentiment_score: Decimal | None = None
    comment_text: str | None = None
    metadata: dict = field(default_factory=dict)
    event_uuid: uuid.UUID | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class RecordedEvents:
    received: int
    stored: int

    @property
    def duplicates(self) -> int:
        """Events skipped because their event_uuid was already stored."""
        return self.received - self.stored


def engagement_record(*, events: Sequence[EventInput], user_id: uuid.UUID | None) -> RecordedEvents:
    """Store `events` for `user_id` (None: anonymous) in one statement, all or nothing.

    Runs under the caller's role and claims: row-level security refuses events recorded for
    someone else, and the scoring trigger updates rollups and grid items before this returns.
    """
    payload = json.dumps([asdict(event) for event in events], default=str)
    # One statement is atomic by itself: no savepoint (two more round trips) is needed.
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_EVENTS, {"user_id": user_id, "events": payload})
        stored = cursor.rowcount
    return RecordedEvents(received=len(events), stored=stored)


def engagement_drop_record(*, reason: DropReason, user_agent: str, event_count: int) -> None:
    """Record that a request's events were not stored, and why (no RETURNING: see above)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO engagement_drops (reason, user_agent, event_count) VALUES (%s, %s, %s)",
            [reason.value, user_agent[:500], event_count],
        )


PARTITION_MONTHS_AHEAD = 2  # months after this one kept ready by the daily job and `up`


def engagement_partitions_ensure(*, months_ahead: int = PARTITION_MONTHS_AHEAD) -> list[str]:
    """Create the monthly partitions of content_engagement from this month to `months_ahead`.

    Idempotent: returns the names of the partitions it created, an empty list when all exist.
    Rows of a new month already caught by the DEFAULT partition are moved into it.
    """
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT engagement_ensure_partitions(%s)", [months_ahead])
        return [name for (name,) in cursor.fetchall()]
