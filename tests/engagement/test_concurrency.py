"""Many writers at once, each on its own connection: nothing lost, nothing doubled, no deadlock.

Writers record through `engagement_record` under their own identity (`run_as`), exactly as the
API does: single events and batches, on one hot item and spread over several, some carrying
event_uuids that every writer retries. Events touch no shared row; the rollup
(engagement_rollup_drain) counts them afterwards by transaction id, so what keeps the figures
exact is that runs take each event exactly once: while writers write, when transactions commit
out of order, when two runs meet, and when a run counts the events of its own transaction.
"""

from __future__ import annotations

import random
import threading
import uuid

import psycopg
import pytest
from django.db import connection, transaction

from carnivore.db_context import ANONYMOUS, identity_for_user, run_as
from engagement.models import ContentEngagement
from engagement.selectors import engagement_score_drift
from engagement.services import EventInput, engagement_record, engagement_rollup_drain
from grid.models import BentoGridItem
from tests import factories as f
from tests.conftest import drain, server_conninfo

WRITERS = 10
SINGLES_PER_WRITER = 60
BATCHES_PER_WRITER = 6
BATCH_SIZE = 40
KINDS = [
    ("view", None),
    ("share", None),
    ("bookmark", None),
    ("click", None),
    ("reaction", "positive"),
    ("comment", "negative"),
    ("reaction", "neutral"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_concurrent_writers_keep_every_figure_exact():
    """After 10 concurrent writers, with the rollup draining all along as the worker does,
    counts and scores equal a recount of the raw events, each event counted once."""
    topics = [f.make_topic() for _ in range(4)]
    hot = topics[0]
    readers = [f.make_user() for _ in range(WRITERS // 2)]
    identities = [identity_for_user(user) for user in readers] + [ANONYMOUS] * (
        WRITERS - len(readers)
    )
    retried = [uuid.uuid4() for _ in range(25)]  # every writer sends each of these once
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def event(content, kind, event_uuid=None) -> EventInput:
        interaction, sentiment = kind
        return EventInput(
            content_type="trending_topic",
            content_id=content.id,
            interaction_type=interaction,
            sentiment=sentiment,
            event_uuid=event_uuid,
        )

    def writer(index: int) -> None:
        rng = random.Random(index)
        identity = identities[index]
        user_id = identity.user_id
        try:
            barrier.wait(timeout=30)
            for n in range(SINGLES_PER_WRITER):
                target = hot if n % 2 else rng.choice(topics)
                with run_as(identity):
                    engagement_record(events=[event(target, rng.choice(KINDS))], user_id=user_id)
            for n in range(BATCHES_PER_WRITER):
                batch = [event(rng.choice(topics), rng.choice(KINDS)) for _ in range(BATCH_SIZE)]
                batch += [
                    event(hot, KINDS[1], retried[(n * 4 + k) % len(retried)]) for k in range(4)
                ]
                rng.shuffle(batch)
                with run_as(identity):
                    engagement_record(events=batch, user_id=user_id)
            for event_uuid in retried:
                with run_as(identity):
                    engagement_record(events=[event(hot, KINDS[1], event_uuid)], user_id=user_id)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    drained: list[int] = []
    writing = threading.Event()
    writing.set()

    def rollup_worker() -> None:  # engagement_rollup_worker's loop, without the pause
        try:
            while writing.is_set():
                with transaction.atomic():
                    drained.append(engagement_rollup_drain())
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=rollup_worker)
    worker.start()
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    writing.clear()
    worker.join(timeout=60)
    assert not failures, failures  # a deadlock or a lost update would surface here
    assert len(drained) > 1  # the rollup ran while the writers wrote

    unique_events = WRITERS * (SINGLES_PER_WRITER + BATCHES_PER_WRITER * BATCH_SIZE) + len(retried)
    assert ContentEngagement.objects.count() == unique_events
    assert sum(drained) + drain() == unique_events
    assert ContentEngagement.objects.filter(event_uuid__in=retried).count() == len(retried)
    assert engagement_score_drift() == []
    hot_item = BentoGridItem.objects.get(content_type="trending_topic", content_id=hot.id)
    assert (
        hot_item.share_count
        == ContentEngagement.objects.filter(content_id=hot.id, interaction_type="share").count()
    )


def connect() -> psycopg.Connection:
    """A connection of its own to the test database, as the test's superuser; a statement that
    waits for a lock fails after 10 s instead of hanging the test."""
    conninfo = server_conninfo(connection.settings_dict, connection.settings_dict["NAME"])
    return psycopg.connect(conninfo, options="-c lock_timeout=10s")


def insert_view(db: psycopg.Connection, topic_id: int, user) -> None:
    """A signed-in reader's view: an anonymous one would make the day's salt, which the
    first transaction of the day holds until it ends."""
    db.execute(
        "INSERT INTO content_engagement (content_type, content_id, user_id, interaction_type)"
        " VALUES ('trending_topic', %s, %s, 'view')",
        [topic_id, user.pk],
    )


@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_transaction_is_counted_once():
    """A transaction that began first but commits last is not skipped: the rollup waits for it
    (its events and every later one stay uncounted), then counts each event exactly once."""
    topic, reader = f.make_topic(), f.make_user()
    with connect() as slow, connect() as fast:
        insert_view(slow, topic.id, reader)  # open: the older transaction id
        insert_view(fast, topic.id, reader)
        fast.commit()  # committed: a newer id
        assert drain() == 0  # the newer event waits behind the open transaction
        slow.commit()
    assert drain() == 2
    assert drain() == 0
    assert BentoGridItem.objects.get(content_id=topic.id).view_count == 2
    assert engagement_score_drift() == []


@pytest.mark.django_db(transaction=True)
def test_two_rollups_at_once_take_turns_and_count_once():
    """A second run while the first is open waits for it, then finds nothing left to count."""
    topic, reader = f.make_topic(), f.make_user()
    with connect() as writer:
        for _ in range(3):
            insert_view(writer, topic.id, reader)
    second: list[int] = []

    def second_run() -> None:
        try:
            second.append(drain())
        finally:
            connection.close()

    with connect() as first:
        (counted,) = first.execute("SELECT engagement_rollup_drain()").fetchone()
        thread = threading.Thread(target=second_run)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive()  # waiting for the first run's lock
        first.commit()
    thread.join(timeout=30)
    assert (counted, second) == (3, [0])
    assert BentoGridItem.objects.get(content_id=topic.id).view_count == 3
    assert engagement_score_drift() == []


@pytest.mark.django_db(transaction=True)
def test_a_run_in_the_transaction_that_stored_events_counts_them_once():
    """A run (a refresh, say) in the transaction that stored events counts them; after the
    commit no run counts them again, and what the transaction stored after its last run is
    counted by the next."""
    topic, reader = f.make_topic(), f.make_user()

    def view() -> None:
        f.make_engagement(content_type="trending_topic", content_id=topic.id, user=reader)

    with transaction.atomic():
        view()
        view()
        assert drain() == 2
        view()
        assert drain() == 1  # only the event stored since
        view()  # left for the next run
    assert drain() == 1
    assert drain() == 0
    assert BentoGridItem.objects.get(content_id=topic.id).view_count == 4
    assert engagement_score_drift() == []


class _Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_run_that_is_rolled_back_counts_nothing():
    """A run undone with its savepoint leaves its transaction's events to the next run, which
    counts each once."""
    topic, reader = f.make_topic(), f.make_user()
    with transaction.atomic():
        f.make_engagement(content_type="trending_topic", content_id=topic.id, user=reader)
        with pytest.raises(_Rollback), transaction.atomic():
            assert drain() == 1
            raise _Rollback
    assert not BentoGridItem.objects.filter(content_id=topic.id).exists()
    assert drain() == 1
    assert BentoGridItem.objects.get(content_id=topic.id).view_count == 1
    assert engagement_score_drift() == []


@pytest.mark.django_db(transaction=True)
def test_a_recount_while_readers_write_finds_no_drift():
    """verify_scores under live writes: an event whose transaction commits between the rollup's
    run and the recount is not counted yet, and not recounted either: no drift. The next run
    counts it."""
    topic, reader = f.make_topic(), f.make_user()
    with connect() as writer:
        insert_view(writer, topic.id, reader)  # open while the rollup runs: left for later

        def commit_after_the_rollup(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if "engagement_rollup_drain" in sql:
                writer.commit()  # a reader's request ends while the recount is on its way
            return result

        with connection.execute_wrapper(commit_after_the_rollup):
            assert engagement_score_drift() == []
    assert drain() == 1
    assert BentoGridItem.objects.get(content_id=topic.id).view_count == 1
    assert engagement_score_drift() == []
