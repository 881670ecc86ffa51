"""Writes of the engagement app: recording events, recording dropped requests, partitions, and
erasing a reader who leaves."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction

from carnivore.db_context import SERVICE, SERVICE_ROLE, Identity, connecting_role, run_as
from carnivore.login_throttling import sign_in_records_delete
from carnivore.sessions import sessions_end_for
from engagement.models import DropReason


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
    # (content_type, content_id) of events whose content is not active content the caller
    # sees; when there is any, nothing was stored.
    missing: frozenset[tuple[str, int]] = frozenset()

    @property
    def duplicates(self) -> int:
        """Events skipped because their event_uuid was already stored."""
        return self.received - self.stored


def engagement_record(
    *,
    events: Sequence[EventInput],
    user_id: uuid.UUID | None,
    client_address: str = "",
    user_agent: str = "",
) -> RecordedEvents:
    """Store `events` for `user_id` (None: anonymous) in one statement, all or nothing.

    Runs under the caller's role and claims (the SQL function `engagement_record`): if some
    content is not active content the caller sees, nothing is stored and `missing` names it;
    row-level security refuses events recorded for someone else. The client's address and user
    agent reach the database as Supabase's REST API passes them (the setting
    `request.headers`), so that an anonymous reader counts once per kind of action, item and
    hour, by whatever path the events arrive (engagement/sql/engagement_reader_fingerprint.sql).
    The figures follow within seconds, when the rollup takes the events
    (engagement_rollup_drain).
    """
    # vars(), not asdict(): asdict deep-copies every event's metadata first (11 ms against
    # 1.3 ms for 500 events).
    payload = json.dumps([vars(event) for event in events], default=str)
    headers = json.dumps({"x-real-ip": client_address, "user-agent": user_agent})
    # One statement is atomic by itself: no savepoint (two more round trips) is needed. The
    # setting is made in the same statement, evaluated first (a FROM item before the target).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT engagement_record(%s::jsonb, %s)"
            " FROM (SELECT set_config('request.headers', %s, true)) AS request",
            [payload, user_id, headers],
        )
        outcome = json.loads(cursor.fetchone()[0])  # Django has psycopg hand jsonb over as text
    if "missing" in outcome:
        missing = frozenset(
            (content_type, content_id) for content_type, content_id in outcome["missing"]
        )
        return RecordedEvents(received=len(events), stored=0, missing=missing)
    return RecordedEvents(received=len(events), stored=outcome["stored"])


def engagement_drop_record(*, reason: DropReason, user_agent: str, event_count: int) -> None:
    """Record that a request's events were not stored, and why (no RETURNING: see above)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO engagement_drops (reason, user_agent, event_count) VALUES (%s, %s, %s)",
            [reason.value, user_agent[:500], event_count],
        )


def engagement_rollup_drain() -> int:
    """Count the events committed since the last run into rollups and grid figures, exactly
    once (engagement/sql/engagement_rollup_drain.sql); return how many. Runs as the service
    role, in the caller's transaction when there is one."""
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT engagement_rollup_drain()")
        return cursor.fetchone()[0]


def engagement_salts_expire() -> int:
    """Delete the salts of the days before today (UTC), so that no fingerprint of an anonymous
    reader can be recomputed after its day; return how many were deleted. Run daily."""
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT engagement_salts_expire()")
        return cursor.fetchone()[0]


PARTITION_MONTHS_AHEAD = 2  # months after this one kept ready by the daily job and `up`


def engagement_partitions_ensure(*, months_ahead: int = PARTITION_MONTHS_AHEAD) -> list[str]:
    """Create the monthly partitions of content_engagement from this month to `months_ahead`.

    Idempotent: returns the names of the partitions it created, an empty list when all exist.
    Rows of a new month already caught by the DEFAULT partition are moved into it.
    """
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT engagement_ensure_partitions(%s)", [months_ahead])
        return [name for (name,) in cursor.fetchall()]


@dataclass(frozen=True)
class ReaderErasure:
    """What erasing a reader did (engagement/sql/engagement_reader_erase.sql)."""

    events_unlinked: int
    votes_rekeyed: int
    interests_removed: int
    audit_log_id: int


class StaffNotErased(ValueError):
    """Staff accounts are not erased this way (see `reader_erase`)."""


def reader_erase(*, user, erased_by) -> ReaderErasure:
    """Erase a reader's account, all or nothing: their events stay counted but unlinked and
    re-keyed, their interests are removed, the erasure is audited (the SQL function
    `engagement_reader_erase`, run as the service role on behalf of `erased_by`: the reader
    themselves, an operator's account, or None); then, as the connecting role, their sessions,
    sign-in records, API token and user row go.

    Raises:
        StaffNotErased: `user` is staff. Their edits are on record under their id (the audit
            log keeps it), and their account is closed by taking away staff status first.
    """
    if user.is_staff or user.is_superuser:
        raise StaffNotErased(
            f"{user.username} is staff: take away their staff status and groups in the admin"
            " first (the audit log keeps their edits under their id)"
        )
    identity = Identity(SERVICE_ROLE, user_id=erased_by.pk if erased_by else None)
    with transaction.atomic():
        with run_as(identity), connection.cursor() as cursor:
            cursor.execute("SELECT * FROM engagement_reader_erase(%s)", [user.pk])
            erasure = ReaderErasure(*cursor.fetchone())
        # Django's tables (sessions, axes', tokens, users) belong to the connecting role.
        with connecting_role():
            sessions_end_for(user_id=user.pk)
            sign_in_records_delete(username=user.username)
            user.delete()
    return erasure
