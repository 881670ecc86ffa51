"""Many writers at once, each on its own connection: nothing lost, nothing doubled, no deadlock.

Writers record through `engagement_record` under their own identity (`run_as`), exactly as the
API does: single events and batches, on one hot item and spread over several, some carrying
event_uuids that every writer retries.
"""

from __future__ import annotations

import random
import threading
import uuid

import pytest
from django.db import connection

from carnivore.db_context import ANONYMOUS, identity_for_user, run_as
from engagement.models import ContentEngagement
from engagement.selectors import engagement_score_drift
from engagement.services import EventInput, engagement_record
from grid.models import BentoGridItem
from tests import factories as f

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
    """After 10 concurrent writers, counts and scores equal a recount of the raw events."""
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

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures  # a deadlock or a lost update would surface here

    unique_events = WRITERS * (SINGLES_PER_WRITER + BATCHES_PER_WRITER * BATCH_SIZE) + len(retried)
    assert ContentEngagement.objects.count() == unique_events
    assert ContentEngagement.objects.filter(event_uuid__in=retried).count() == len(retried)
    assert engagement_score_drift() == []
    hot_item = BentoGridItem.objects.get(content_type="trending_topic", content_id=hot.id)
    assert (
        hot_item.share_count
        == ContentEngagement.objects.filter(content_id=hot.id, interaction_type="share").count()
    )
