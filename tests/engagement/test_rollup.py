"""The write path's guarantees, with several real connections (engagement/sql/
engagement_rollup_drain.sql): every committed event is counted exactly once, whatever order
transactions commit in and whatever happens to a drain; the database refuses events for content
that is missing or hidden, whoever inserts them; the figures follow within one drain.

Each connection is the test's own psycopg connection to the test database; events are inserted
as the API roles do (tests/engagement/readers.py) and drained as the service role, each drain in
its own transaction, as the worker runs it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import psycopg
import pytest
from psycopg import errors

from tests import factories as f
from tests.engagement.readers import (
    EVENT_KINDS,
    Event,
    Reader,
    anonymous,
    as_service,
    connect,
    counted_events,
    drain,
    drain_everything,
    drift,
    events_insert,
    record,
    salt_of_today_ensure,
    standing,
    standing_events,
)
from trending.models import TrendingTopic

pytestmark = pytest.mark.django_db(transaction=True)


def view_of(topic, interaction: str = "view", sentiment: str | None = None) -> Event:
    return Event("trending_topic", topic.id, interaction, sentiment)


def stored_events(conn: psycopg.Connection) -> int:
    with conn.transaction():
        return conn.execute("SELECT count(*) FROM content_engagement").fetchone()[0]


def grid_counts(conn: psycopg.Connection, topic) -> tuple:
    """The topic's grid item: (view_count, share_count, bookmark_count, events_24h, events_7d)."""
    with conn.transaction():
        return conn.execute(
            "SELECT view_count, share_count, bookmark_count, events_24h, events_7d"
            " FROM bento_grid_items WHERE content_type = 'trending_topic' AND content_id = %s",
            [topic.id],
        ).fetchone()


def backend_pid(conn: psycopg.Connection) -> int:
    return conn.info.backend_pid


def wait_until_waiting_for_a_lock(observer: psycopg.Connection, pid: int) -> None:
    """Return once backend `pid` is blocked on a lock; fail after 10 s."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with observer.transaction():
            waiting = observer.execute(
                "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()
        if waiting and waiting[0]:
            return
        time.sleep(0.02)
    raise AssertionError(f"backend {pid} never waited for a lock")


class Background:
    """Run `fn(conn)` in a thread; `join()` returns its result or raises its exception."""

    def __init__(self, fn, conn: psycopg.Connection):
        self.result = self.error = None
        self.thread = threading.Thread(target=self._run, args=(fn, conn))
        self.thread.start()

    def _run(self, fn, conn) -> None:
        try:
            self.result = fn(conn)
        except BaseException as exc:
            self.error = exc

    def join(self):
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the background drain never finished"
        if self.error is not None:
            raise self.error
        return self.result


def drain_uncommitted(conn: psycopg.Connection) -> int:
    """Run a drain in a transaction left open on `conn` (it holds the watermark's lock)."""
    with conn.cursor() as cursor:
        as_service(cursor)
        cursor.execute("SELECT engagement_rollup_drain()")
        return cursor.fetchone()[0]


def test_an_event_committed_while_a_drain_runs_is_counted_once_by_a_later_drain():
    """An event committed while a drain's transaction is open is not lost with it: the next
    drain counts it, once, and the one after finds nothing."""
    topic = f.make_topic()
    with connect() as drainer, connect() as writer:
        record(writer, anonymous(1), [view_of(topic)])
        drain_everything(drainer)
        assert drain_uncommitted(drainer) == 0
        record(writer, anonymous(2), [view_of(topic)])  # committed while the drain is open
        drainer.commit()
        assert drain_everything(drainer) == 1
        assert drain(drainer) == 0
        assert grid_counts(drainer, topic)[0] == 2
        assert drift(drainer) == []


def test_a_transaction_committing_after_a_drain_it_began_before_is_counted_once():
    """Out-of-order commits: A inserts and stays open, B inserts and commits, a drain runs, A
    commits: the drain counts nothing while A is open (B's event waits behind A's), and the
    next one counts both, each once."""
    topic = f.make_topic()
    salt_of_today_ensure()  # else B waits for A (test_anonymous_writers_never_wait_for_each_other)
    with connect() as a, connect() as b, connect() as drainer:
        with a.cursor() as cursor:
            identity = anonymous(1).identity()
            cursor.execute(
                "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                [identity.role, identity.claims_json()],
            )
            events_insert(cursor, anonymous(1), [view_of(topic, "share")])
        record(b, anonymous(2), [view_of(topic)])
        assert drain(drainer) == 0
        a.commit()
        assert drain_everything(drainer) == 2
        assert drain(drainer) == 0
        assert grid_counts(drainer, topic)[:2] == (1, 1)
        assert drift(drainer) == []


def test_a_drain_killed_holding_the_watermark_counts_nothing_and_loses_nothing():
    """A drain whose connection is terminated after it counted, before it committed, leaves no
    trace; the next drain counts every event exactly once."""
    topic = f.make_topic()
    with connect() as doomed, connect() as survivor:
        record(survivor, anonymous(1), [view_of(topic), view_of(topic, "bookmark")])
        assert drain_uncommitted(doomed) == 2
        with survivor.transaction():
            survivor.execute("SELECT pg_terminate_backend(%s)", [backend_pid(doomed)])
        with pytest.raises(psycopg.OperationalError):
            doomed.commit()
        assert counted_events(survivor) == 0
        assert drain_everything(survivor) == 2
        assert drain(survivor) == 0
        assert grid_counts(survivor, topic)[:3] == (1, 0, 1)
        assert drift(survivor) == []


def test_a_drain_killed_mid_batch_counts_nothing_and_loses_nothing():
    """A drain terminated in the middle of its statement (its votes and rollups written, waiting
    to update a grid row an editor holds) counts nothing; the next counts all exactly once."""
    topic = f.make_topic()
    item = f.make_grid_item(content_id=topic.id, content_title=topic.topic_name)
    with connect() as doomed, connect() as editor, connect() as survivor:
        record(survivor, anonymous(1), [view_of(topic)] * 3)
        record(survivor, anonymous(2), [view_of(topic, "share")])
        editor.execute("SELECT 1 FROM bento_grid_items WHERE id = %s FOR UPDATE", [item.id])
        running = Background(drain_uncommitted, doomed)
        wait_until_waiting_for_a_lock(survivor, backend_pid(doomed))
        with survivor.transaction():
            written = survivor.execute(
                "SELECT array_agg(relation::regclass::text ORDER BY relation::regclass::text)"
                " FROM pg_locks WHERE pid = %s AND locktype = 'relation'"
                " AND mode = 'RowExclusiveLock'"
                " AND relation IN ('engagement_votes'::regclass, 'engagement_rollups'::regclass)",
                [backend_pid(doomed)],
            ).fetchone()[0]
            # Mid-batch: it has run its statements writing votes and rollups.
            assert written == ["engagement_rollups", "engagement_votes"]
            survivor.execute("SELECT pg_terminate_backend(%s)", [backend_pid(doomed)])
        with pytest.raises(psycopg.OperationalError):
            running.join()
        editor.rollback()
        assert counted_events(survivor) == 0
        assert drain_everything(survivor) == 4
        assert grid_counts(survivor, topic)[:2] == (3, 1)
        assert drift(survivor) == []


def test_two_drains_at_once_take_turns_and_the_second_finds_nothing_new():
    """A second drain waits for the first's lock on the watermark, then counts nothing: every
    event is counted once."""
    topic = f.make_topic()
    with connect() as first, connect() as second, connect() as observer:
        record(observer, anonymous(1), [view_of(topic)] * 5)
        assert drain_uncommitted(first) == 5
        waiting = Background(drain, second)
        wait_until_waiting_for_a_lock(observer, backend_pid(second))
        first.commit()
        assert waiting.join() == 0
        assert counted_events(observer) == stored_events(observer) == 5
        assert grid_counts(observer, topic)[0] == 5
        assert drift(observer) == []


REFUSED_CONTENT = [
    "hidden topic",
    "hidden video",
    "hidden editorial item",
    "soft-deleted topic",
    "missing topic",
]


def refused_content(case: str) -> tuple[str, int]:
    """(content_type, content_id) of content that must get no engagement."""
    if case == "hidden topic":
        topic = f.make_topic(is_active=False)
        f.make_grid_item(
            content_id=topic.id, content_title=topic.topic_name, is_active=False
        )  # its hidden grid row must stay hidden
        return "trending_topic", topic.id
    if case == "hidden video":
        return "top_video", f.make_video(is_active=False).id
    if case == "hidden editorial item":
        item = f.make_editorial(is_active=False)
        return item.kind, item.id
    if case == "soft-deleted topic":
        topic = f.make_topic()
        TrendingTopic.objects.filter(id=topic.id).delete()  # SoftDeleteWithNotice: is_active false
        assert TrendingTopic.objects.get(id=topic.id).is_active is False
        return "trending_topic", topic.id
    return "trending_topic", 9_000_000_000  # no such topic


@pytest.mark.parametrize("case", REFUSED_CONTENT)
@pytest.mark.parametrize("who", ["anon", "authenticated", "service_role"])
def test_the_database_refuses_events_for_missing_or_hidden_content(case, who):
    """A raw INSERT for content that is missing, hidden or soft-deleted is refused by the
    trigger, whatever role sends it (anon too, as Supabase's REST API would): no event is
    stored, no grid row is created or shown."""
    content_type, content_id = refused_content(case)
    reader = Reader(f.make_user().id) if who == "authenticated" else anonymous(3)
    with connect() as conn:
        grid_before = _grid_rows(conn, content_type, content_id)
        with pytest.raises(errors.ForeignKeyViolation) as refused:
            if who == "service_role":
                with conn.transaction(), conn.cursor() as cursor:
                    as_service(cursor)
                    events_insert(cursor, reader, [Event(content_type, content_id)])
            else:
                record(conn, reader, [Event(content_type, content_id)])
        assert refused.value.diag.constraint_name == "content_engagement_content_exists"
        assert stored_events(conn) == 0
        drain_everything(conn)
        assert _grid_rows(conn, content_type, content_id) == grid_before


def _grid_rows(conn: psycopg.Connection, content_type: str, content_id: int) -> list:
    with conn.transaction():
        return conn.execute(
            "SELECT is_active, grid_position FROM bento_grid_items"
            " WHERE content_type = %s AND content_id = %s",
            [content_type, content_id],
        ).fetchall()


@pytest.mark.parametrize("events", [1, 7, 250])
def test_the_figures_follow_within_one_drain(events):
    """After N events of mixed kinds (undos among them) from several readers and one drain,
    the grid item's counts and window sums equal those of the N events that stand."""
    topic = f.make_topic()
    kinds = list(EVENT_KINDS)
    sent = [kinds[n % len(kinds)] for n in range(events)]
    with connect() as conn:
        stands = []
        for n in range(0, events, 50):
            record(conn, anonymous(n), [view_of(topic, *kind) for kind in sent[n : n + 50]])
            stands += standing(sent[n : n + 50])
        assert drain_everything(conn) == events  # every event taken
        by_kind = Counter(interaction for interaction, _ in stands)
        assert grid_counts(conn, topic) == (
            by_kind["view"],
            by_kind["share"],
            by_kind["bookmark"],
            len(stands),
            len(stands),
        )
        assert len(stands) == standing_events(conn) == counted_events(conn)
        assert drift(conn) == []


def test_anonymous_writers_never_wait_for_each_other():
    """With the rollup running (it makes each day's salt the day before), an anonymous insert
    never waits for another reader's open transaction, not even the day's first."""
    topic = f.make_topic()
    with connect() as conn:
        drain(conn)  # as the worker does every second: today's and tomorrow's salts exist
    with connect() as first, connect() as second:
        with first.cursor() as cursor:
            identity = anonymous(1).identity()
            cursor.execute(
                "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                [identity.role, identity.claims_json()],
            )
            events_insert(cursor, anonymous(1), [view_of(topic)])  # the day's first: no salt yet
        second.execute("SET lock_timeout = '2s'")
        second.commit()
        record(second, anonymous(2), [view_of(topic)])
        first.commit()
