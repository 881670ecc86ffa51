"""Readers as the database sees them, for the tests of the write path and the ranking.

A reader's events are inserted the way a REST client's request inserts them: in a transaction
that runs as the API role (`anon`, or `authenticated` with the user's id in the JWT claims) and
carries the request's headers in the setting `request.headers`, a JSON object with lowercase
names, as Supabase's REST API (PostgREST) sets it. The PrepareEvent trigger
(engagement/triggers.py) takes the reader key from there. The rollup is drained and checked as
the service role, as the worker and `verify_scores` do.

Two ways in: `record` on a psycopg connection of the test's own (several writers at once), and
`record_here` on Django's connection through `run_as` (carnivore/db_context.py).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

import psycopg
from django.db import connection

from carnivore.db_context import ANON, AUTHENTICATED, SERVICE_ROLE, Identity, run_as
from tests.conftest import server_conninfo

# Every (interaction_type, sentiment) an event may carry, and what it counts as in the ranking
# (engagement/sql/engagement_vote_kind.sql; None: it counts for nothing). A bookmark or reaction
# counts only while it stands (see `standing`).
EVENT_KINDS: dict[tuple[str, str | None], str | None] = {
    ("view", None): "view",
    ("click", None): "click",
    ("share", None): "share",
    ("bookmark", None): "bookmark",
    ("unbookmark", None): None,
    ("comment", None): "comment",
    ("comment", "neutral"): "comment",
    ("comment", "positive"): "positive",
    ("comment", "negative"): "negative",
    ("reaction", "positive"): "positive",
    ("reaction", "negative"): "negative",
    ("reaction", "neutral"): None,
    ("unreact", None): None,
}
# The argument order of grid_rank_reader_weight (grid/sql/grid_rank.sql).
VOTE_KINDS = ("view", "click", "share", "bookmark", "comment", "positive", "negative")
# The toggle each undoable interaction belongs to (engagement/sql/engagement_toggle.sql).
TOGGLES = {
    "bookmark": "bookmark",
    "unbookmark": "bookmark",
    "reaction": "reaction",
    "unreact": "reaction",
}

Kind = tuple[str, str | None]


def standing(kinds: Iterable[Kind]) -> list[Kind]:
    """Of one reader's actions on one item, in the order they happened, those that count: every
    action but a bookmark or reaction followed by another of its toggle (an undo, or for a
    reaction the reader's next reaction), and but the undos themselves. Written apart from the
    SQL, as the rule reads: the test's model of engagement_toggles."""
    kinds = list(kinds)
    latest = {TOGGLES[i]: n for n, (i, _) in enumerate(kinds) if i in TOGGLES}
    return [
        (i, s)
        for n, (i, s) in enumerate(kinds)
        if i not in TOGGLES or (latest[TOGGLES[i]] == n and i in ("bookmark", "reaction"))
    ]


def votes_of(kinds: Iterable[Kind]) -> list[int]:
    """One reader's votes on one item in one hour, by VOTE_KINDS: one per kind of action among
    those not undoable, and one for each bookmark or reaction that stands."""
    stands = standing(kinds)
    plain = {EVENT_KINDS[kind] for kind in stands if kind[0] not in TOGGLES}
    toggled = [EVENT_KINDS[kind] for kind in stands if kind[0] in TOGGLES]
    return [int(vote in plain) + toggled.count(vote) for vote in VOTE_KINDS]


_INSERT = """
    INSERT INTO content_engagement (
        content_type, content_id, user_id, interaction_type, sentiment, created_at, event_uuid)
    SELECT e.content_type, e.content_id, %s::uuid, e.interaction_type, e.sentiment,
           coalesce(e.created_at, now()), e.event_uuid
    FROM jsonb_to_recordset(%s::jsonb) AS e (
        content_type varchar, content_id bigint, interaction_type varchar, sentiment varchar,
        created_at timestamptz, event_uuid uuid)
"""
_SET_REQUEST = (
    "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
    " set_config('request.headers', %s, true)"
)
_SET_HEADERS = "SELECT set_config('request.headers', %s, true)"


@dataclass(frozen=True)
class Event:
    """One event as a client sends it (created_at None: the database's now())."""

    content_type: str
    content_id: int
    interaction_type: str = "view"
    sentiment: str | None = None
    created_at: datetime | None = None
    event_uuid: uuid.UUID | None = None


@dataclass(frozen=True)
class Reader:
    """Who sends events: a signed-in user (by id) or an anonymous client, and from where."""

    user_id: uuid.UUID | None = None
    address: str = "198.51.100.7"
    user_agent: str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"

    def identity(self) -> Identity:
        return Identity(AUTHENTICATED if self.user_id else ANON, user_id=self.user_id)

    def headers_json(self) -> str:
        """`request.headers` as PostgREST sets it: lowercase names, the proxy's address last."""
        return json.dumps(
            {"x-forwarded-for": f"10.9.8.7, {self.address}", "user-agent": self.user_agent}
        )


def anonymous(n: int) -> Reader:
    """The n-th anonymous client: an address of its own."""
    return Reader(address=f"198.51.{n // 250}.{n % 250 + 1}")


def _events_json(events: Iterable[Event]) -> str:
    return json.dumps([asdict(event) for event in events], default=str)


def events_insert(cursor, reader: Reader, events: Sequence[Event]) -> int:
    """Insert `events` for `reader` in one statement, in the current transaction, whose role and
    claims are already the reader's; return how many rows were stored."""
    cursor.execute(_SET_HEADERS, [reader.headers_json()])
    cursor.execute(_INSERT, [reader.user_id, _events_json(events)])
    return cursor.rowcount


def record(conn: psycopg.Connection, reader: Reader, events: Sequence[Event]) -> int:
    """Insert `events` as `reader`'s request would, in a transaction of its own on `conn`."""
    with conn.transaction(), conn.cursor() as cursor:
        identity = reader.identity()
        cursor.execute(_SET_REQUEST, [identity.role, identity.claims_json(), reader.headers_json()])
        cursor.execute(_INSERT, [reader.user_id, _events_json(events)])
        return cursor.rowcount


def record_here(reader: Reader, events: Sequence[Event]) -> int:
    """Insert `events` as `reader` on Django's connection (`run_as`: committed at once in a
    transactional test)."""
    with run_as(reader.identity()), connection.cursor() as cursor:
        return events_insert(cursor, reader, events)


def connect() -> psycopg.Connection:
    """A new connection to the test database, as the suite's own database user. A statement
    that waits for a lock more than 20 s fails: a test whose writers wait for each other fails
    instead of hanging."""
    settings_dict = connection.settings_dict
    return psycopg.connect(
        server_conninfo(settings_dict, settings_dict["NAME"]), options="-c lock_timeout=20s"
    )


def salt_of_today_ensure() -> None:
    """Make (and commit) the day's salt for anonymous fingerprints. The first anonymous event
    of a day makes it in its own transaction, and until that commits every other anonymous
    insert waits for it: a test driving several open transactions from one thread makes it
    first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT engagement_reader_fingerprint()")


def as_service(cursor) -> None:
    cursor.execute("SELECT set_config('role', %s, true)", [SERVICE_ROLE])


def drain(conn: psycopg.Connection) -> int:
    """Run the rollup once, as the worker does (service role, its own transaction)."""
    with conn.transaction(), conn.cursor() as cursor:
        as_service(cursor)
        cursor.execute("SELECT engagement_rollup_drain()")
        return cursor.fetchone()[0]


def drain_everything(conn: psycopg.Connection, *, timeout: float = 30.0) -> int:
    """Drain until every committed event is counted; return how many the drains counted.

    A drain takes only the transactions older than the oldest one still running anywhere on the
    server, so on a server shared with other work it may need a few runs.
    """
    counted = 0
    deadline = time.monotonic() + timeout
    while True:
        counted += drain(conn)
        with conn.transaction():
            behind = conn.execute(
                "SELECT EXISTS (SELECT FROM content_engagement e, engagement_rollup_state s"
                " WHERE e.insert_xid >= s.next_xid)"
            ).fetchone()[0]
        if not behind:
            return counted
        if time.monotonic() > deadline:
            raise AssertionError(f"events still not counted after {timeout} s")
        time.sleep(0.05)


def drift(conn: psycopg.Connection) -> list[tuple]:
    """Every stored figure that differs from a recount of the raw events (no drain first)."""
    with conn.transaction(), conn.cursor() as cursor:
        as_service(cursor)
        cursor.execute("SELECT * FROM engagement_score_drift()")
        return cursor.fetchall()


def counted_events(conn: psycopg.Connection) -> int:
    """How many events the rollups hold (those that stand)."""
    with conn.transaction():
        return conn.execute("SELECT coalesce(sum(events), 0) FROM engagement_rollups").fetchone()[0]


def standing_events(conn: psycopg.Connection) -> int:
    """How many stored events stand (a recount apart from the SQL of the rollup and of
    engagement_score_drift): every event but the undos, and but each bookmark or reaction
    followed by a later event of its toggle from the same reader on the same item."""
    with conn.transaction():
        return conn.execute(
            """
            WITH e AS (
                SELECT *, coalesce(user_id, reader_key) AS reader,
                       CASE WHEN interaction_type IN ('bookmark', 'unbookmark') THEN 'bookmark'
                            WHEN interaction_type IN ('reaction', 'unreact') THEN 'reaction'
                       END AS toggle
                FROM content_engagement
            )
            SELECT count(*) FROM e
            WHERE e.interaction_type NOT IN ('unbookmark', 'unreact')
              AND (e.toggle IS NULL OR NOT EXISTS (
                  SELECT FROM e later
                  WHERE later.content_type = e.content_type AND later.content_id = e.content_id
                    AND later.reader = e.reader AND later.toggle = e.toggle
                    AND (later.created_at, later.id) > (e.created_at, e.id)))
            """
        ).fetchone()[0]


def write_path_reset() -> None:
    """Empty the event log, the rollup and the grid rows (between examples of a transactional
    property test, which Django flushes only after the whole test)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE content_engagement, engagement_event_keys, engagement_rollups,"
            " engagement_votes, engagement_toggles, engagement_rollup_state, bento_grid_items,"
            " grid_refresh_runs"
        )
