"""Undo: a reader takes back a bookmark (`unbookmark`) or a reaction (`unreact`), and a reaction
replaces their earlier one. Events are never changed: of one reader's bookmarks and unbookmarks
(reactions and unreacts) on an item the latest stands, by when it happened, then by the order
stored (engagement.models.EngagementToggle), and every figure counts what stands.

First in SQL, inside one test transaction (now() stands still; the rollup counts the
transaction's own events): events stored as the owner may, with the times they happened and
reached the database. Then through POST /api/engagement/, as readers send them.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from engagement.models import ContentEngagement, ContentSentiment, EngagementRollup
from grid.models import BentoGridItem
from tests import factories as f
from tests.conftest import drain

URL = "/api/engagement/"


@pytest.fixture
def as_of_hour(db) -> datetime:
    """The hour the rollup scores for in this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_trunc('hour', now(), 'UTC')")
        return cursor.fetchone()[0]


def insert(topic, interaction, *, sentiment=None, user=None, created_at=None, inserted_at=None):
    """Store one event on `topic` as the owner may (the time it reached the database included),
    for `user` (None: the test connection's one anonymous reader)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO content_engagement (content_type, content_id, interaction_type,"
            " sentiment, user_id, created_at, inserted_at)"
            " VALUES ('trending_topic', %s, %s, %s, %s, coalesce(%s, now()), coalesce(%s, now()))",
            [topic.id, interaction, sentiment, user.id if user else None, created_at, inserted_at],
        )


def rollup_of(topic, hour) -> tuple:
    """(events, bookmarks, reactions, positive, negative, reader_bookmarks, reader_positive,
    reader_negative) of the topic's rollup of `hour`; None without one."""
    return (
        EngagementRollup.objects.filter(
            content_type="trending_topic", content_id=topic.id, hour=hour
        )
        .values_list(
            "events",
            "bookmarks",
            "reactions",
            "positive",
            "negative",
            "reader_bookmarks",
            "reader_positive",
            "reader_negative",
        )
        .first()
    )


def item_of(topic) -> BentoGridItem:
    return BentoGridItem.objects.get(content_type="trending_topic", content_id=topic.id)


def no_drift() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT figure, stored, recounted FROM engagement_score_drift()")
        return cursor.fetchall() == []


def test_an_undo_takes_the_bookmark_back_from_the_hours_it_counted_in(as_of_hour):
    """A bookmark made 5 hours ago and stored 3 hours ago counts in the rollup of the hour it
    happened, and votes in the hour it was stored; the reader's unbookmark, taken by a later
    drain, takes both back from those hours, and the all-time count with them. Bookmarking
    again counts one bookmark, now."""
    topic = f.make_topic()
    made, stored = as_of_hour - timedelta(hours=5), as_of_hour - timedelta(hours=3)
    insert(topic, "bookmark", created_at=made, inserted_at=stored)
    assert drain() == 1
    assert rollup_of(topic, made)[:2] == (1, 1)
    assert rollup_of(topic, stored)[5] == 1
    item = item_of(topic)
    assert (item.bookmark_count, item.bookmarks_24h, item.reader_weight_7d) == (1, 1, 3)

    insert(topic, "unbookmark")
    assert drain() == 1
    assert rollup_of(topic, made) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert rollup_of(topic, stored) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert rollup_of(topic, as_of_hour) is None  # the undo counts nowhere itself
    item = item_of(topic)
    assert (item.bookmark_count, item.bookmarks_24h, item.events_24h) == (0, 0, 0)
    assert (item.reader_weight_7d, item.engagement_score) == (0, Decimal("0.00"))
    assert no_drift()

    insert(topic, "bookmark")
    assert drain() == 1
    assert rollup_of(topic, as_of_hour)[:2] == (1, 1)
    item = item_of(topic)
    assert (item.bookmark_count, item.reader_weight_7d) == (1, 3)
    assert no_drift()


def test_an_undo_dated_before_the_bookmark_leaves_it_standing(as_of_hour):
    """The latest is by when it happened: an unbookmark stored after the bookmark but dated
    before it takes nothing back; nor does an undo with no bookmark before it (never below 0)."""
    topic = f.make_topic()
    insert(topic, "unbookmark", created_at=as_of_hour - timedelta(hours=2))
    assert drain() == 1
    assert item_of(topic).bookmark_count == 0
    insert(topic, "bookmark", created_at=as_of_hour - timedelta(hours=1))
    insert(topic, "unbookmark", created_at=as_of_hour - timedelta(hours=1, seconds=1))
    assert drain() == 2
    item = item_of(topic)
    assert (item.bookmark_count, item.reader_weight_7d) == (1, 3)
    assert no_drift()


def test_each_reader_undoes_only_their_own_bookmark_and_reaction(as_of_hour):
    """One reader's unbookmark and unreact take back nothing of another reader's."""
    topic = f.make_topic()
    alice, bob = f.make_user(), f.make_user()
    insert(topic, "bookmark", user=alice)
    insert(topic, "reaction", sentiment="positive", user=alice)
    insert(topic, "unbookmark", user=bob)
    insert(topic, "unreact", user=bob)
    assert drain() == 4
    item = item_of(topic)
    assert (item.bookmark_count, item.positive_7d, item.events_7d) == (1, 1, 2)
    assert item.reader_weight_7d == 3 + 4
    assert no_drift()


def test_a_readers_next_reaction_replaces_their_last_in_the_sentiment(as_of_hour):
    """A reader who liked an item and, an hour's drain later, disliked it counts once, as
    negative: in the item's sentiment, its weight, and the public 7-day sentiment."""
    topic = f.make_topic()
    insert(topic, "reaction", sentiment="positive", created_at=as_of_hour - timedelta(hours=1))
    assert drain() == 1
    assert item_of(topic).positive_sentiment_percent == Decimal("100.00")
    insert(topic, "reaction", sentiment="negative")
    assert drain() == 1
    item = item_of(topic)
    assert (item.positive_7d, item.events_7d, item.reader_weight_7d) == (0, 1, -3)
    assert item.positive_sentiment_percent == Decimal("0.00")
    assert rollup_of(topic, as_of_hour - timedelta(hours=1))[:5] == (0, 0, 0, 0, 0)
    sentiment = ContentSentiment.objects.get(content_type="trending_topic", content_id=topic.id)
    assert (sentiment.events, sentiment.positive, sentiment.negative) == (1, 0, 1)
    assert no_drift()


def test_verify_scores_names_a_tampered_standing_bookmark(as_of_hour, capsys):
    """What stands for a reader is checked against their latest event too: a standing bookmark
    changed behind the rollup's back is drift."""
    topic = f.make_topic()
    insert(topic, "bookmark")
    insert(topic, "unbookmark")
    assert drain() == 2
    call_command("verify_scores")
    assert "no drift" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("UPDATE engagement_toggles SET event_id = event_id - 1")
    with pytest.raises(SystemExit):
        call_command("verify_scores")
    assert "standing bookmark" in capsys.readouterr().out


# Through the API ------------------------------------------------------------------------------


@pytest.fixture
def topic(db):
    cache.clear()  # throttling counts live in the cache
    return f.make_topic()


def event(topic, interaction, **extra) -> dict:
    return {
        "content_type": "trending_topic",
        "content_id": topic.id,
        "interaction_type": interaction,
        **extra,
    }


def send(client, body, *, address="203.0.113.50", agent="Firefox/140.0", **headers):
    """POST `body` from a client at `address` with the user agent `agent`; 201 expected."""
    response = client.post(
        URL,
        body,
        content_type="application/json",
        headers={"User-Agent": agent, **headers},
        REMOTE_ADDR=address,
    )
    assert response.status_code == 201, response.content
    return response.json()


def figures(topic) -> tuple:
    """(bookmark_count, events_7d, positive_7d, reader_weight_7d, positive_sentiment_percent)
    after a drain."""
    drain()
    item = item_of(topic)
    return (
        item.bookmark_count,
        item.events_7d,
        item.positive_7d,
        item.reader_weight_7d,
        item.positive_sentiment_percent,
    )


def test_a_signed_in_reader_bookmarks_unbookmarks_and_bookmarks_again(client, topic):
    """bookmark, unbookmark, bookmark from one reader (token) is one bookmark: the count and
    the reader weight follow each step, and the reader's own events list all three."""
    token = {"Authorization": f"Token {Token.objects.create(user=f.make_user()).key}"}
    steps = [("bookmark", 1, 3), ("unbookmark", 0, 0), ("unbookmark", 0, 0), ("bookmark", 1, 3)]
    for interaction, count, weight in steps:
        assert send(client, event(topic, interaction), **token)["stored"] == 1
        bookmark_count, _, _, reader_weight, _ = figures(topic)
        assert (bookmark_count, reader_weight) == (count, weight), interaction
    mine = client.get("/api/engagement/mine/", headers=token).json()["results"]
    assert [e["interaction_type"] for e in mine] == [i for i, _, _ in reversed(steps)]
    assert ContentEngagement.objects.count() == 4  # every event kept


def test_a_reaction_taken_back_leaves_the_sentiment_as_before(client, topic):
    """A reader's positive reaction, then another reader's negative one, then the first
    reader's unreact: the item's sentiment and weight, and the public sentiment, are the
    second reader's alone."""
    send(client, event(topic, "reaction", sentiment="positive"), address="203.0.113.51")
    assert figures(topic) == (0, 1, 1, 4, Decimal("100.00"))
    send(client, event(topic, "reaction", sentiment="negative"), address="203.0.113.52")
    assert figures(topic) == (0, 2, 1, 4 - 3, Decimal("50.00"))
    send(client, event(topic, "unreact"), address="203.0.113.51")
    assert figures(topic) == (0, 1, 0, -3, Decimal("0.00"))
    public = client.get(URL + "sentiment/", {"content_id": topic.id}).json()["results"]
    assert [(s["events"], s["positive"], s["negative"]) for s in public] == [(1, 0, 1)]


def test_an_anonymous_readers_undo_counts_for_the_same_address_and_browser(client, topic):
    """Anonymous readers are told apart by the day's fingerprint of their address and user
    agent: an unbookmark from the same client takes its bookmark back; one from another
    address, or another browser, is another reader's undo of nothing, and changes nothing."""
    send(client, event(topic, "bookmark"), address="203.0.113.60")
    send(client, event(topic, "bookmark"), address="203.0.113.61")
    assert figures(topic)[0] == 2
    send(client, event(topic, "unbookmark"), address="203.0.113.62")
    send(client, event(topic, "unbookmark"), address="203.0.113.60", agent="Safari/19.0")
    assert figures(topic)[0] == 2
    send(client, event(topic, "unbookmark"), address="203.0.113.60")
    assert figures(topic) == (1, 1, 0, 3, Decimal("0.00"))


def test_a_batch_applies_a_readers_toggles_in_the_order_they_happened(client, topic):
    """In one batch a reader's latest toggle is the last sent (events without event_uuid keep
    the batch's order) or, with occurred_at, the one that happened last."""
    send(client, {"events": [event(topic, "bookmark"), event(topic, "unbookmark")]})
    assert figures(topic)[0] == 0
    send(client, {"events": [event(topic, "unbookmark"), event(topic, "bookmark")]})
    assert figures(topic)[0] == 1
    now = timezone.now()
    for address, undone_at, bookmarked_at, count in (
        ("203.0.113.70", 1, 2, 1),  # the unbookmark happened last: this reader adds nothing
        ("203.0.113.71", 2, 1, 2),  # the bookmark did: one more
    ):
        send(
            client,
            {
                "events": [
                    event(
                        topic,
                        "unbookmark",
                        event_uuid=str(uuid.uuid4()),
                        occurred_at=(now - timedelta(seconds=undone_at)).isoformat(),
                    ),
                    event(
                        topic,
                        "bookmark",
                        event_uuid=str(uuid.uuid4()),
                        occurred_at=(now - timedelta(seconds=bookmarked_at)).isoformat(),
                    ),
                ]
            },
            address=address,
        )
        assert figures(topic)[0] == count
    assert engagement_drift() == []


def engagement_drift() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT figure, stored, recounted FROM engagement_score_drift()")
        return cursor.fetchall()


def test_the_migrations_recount_puts_figures_of_the_old_rule_right(as_of_hour):
    """Migration 0023 counts the figures again from the events (engagement/migrations/
    _recount.py): figures kept under the earlier rule (every bookmark counted, a vote per
    bookmark and hour) come out as the new rule counts them, with no drift."""
    from engagement.migrations._recount import RECOUNT

    topic, other = f.make_topic(), f.make_topic()
    insert(topic, "bookmark")
    insert(topic, "unbookmark")
    insert(topic, "bookmark")
    insert(topic, "reaction", sentiment="positive")
    insert(other, "view")
    assert drain() == 5
    right = {
        content_id: rest
        for content_id, *rest in BentoGridItem.objects.values_list(
            "content_id", "bookmark_count", "events_7d", "reader_weight_7d"
        )
    }
    assert right == {topic.id: [1, 2, 3 + 4], other.id: [0, 1, 1]}
    rollups = sorted(EngagementRollup.objects.values_list("content_id", "hour", "events"))
    # As the earlier rule left them: two bookmarks and a reaction counted, nothing standing.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bento_grid_items SET bookmark_count = 2, events_7d = 3 WHERE content_id = %s",
            [topic.id],
        )
        cursor.execute(
            "UPDATE engagement_rollups SET events = 3, bookmarks = 2, reader_bookmarks = 2"
            " WHERE content_id = %s",
            [topic.id],
        )
        cursor.execute("DELETE FROM engagement_toggles")
        cursor.execute(RECOUNT)
    assert {
        content_id: rest
        for content_id, *rest in BentoGridItem.objects.values_list(
            "content_id", "bookmark_count", "events_7d", "reader_weight_7d"
        )
    } == right
    assert sorted(EngagementRollup.objects.values_list("content_id", "hour", "events")) == rollups
    assert engagement_drift() == []


def test_the_migrations_recount_refuses_a_database_that_retired_months(as_of_hour):
    """Once retention has retired months of events, their rollups are their only record: the
    recount would empty them, so it stops with the reason and changes nothing."""
    from engagement.migrations._recount import RECOUNT

    topic = f.make_topic()
    insert(topic, "bookmark")
    assert drain() == 1
    rollups = sorted(EngagementRollup.objects.values_list("content_id", "hour", "events"))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE engagement_rollup_state SET events_held_from = now() - interval '40 days'"
        )
        with (
            pytest.raises(DatabaseError, match="months of events were retired"),
            transaction.atomic(),
        ):
            cursor.execute(RECOUNT)
    assert sorted(EngagementRollup.objects.values_list("content_id", "hour", "events")) == rollups
