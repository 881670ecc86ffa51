"""The score formula and its windows, kept by the scoring trigger (SPEC section 4), case by case.

Inside one test transaction `now()` stands still, so the hour the trigger scores for is fixed:
events are placed relative to it, just inside or just outside each window.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from engagement.models import ContentEngagement, EngagementRollup
from grid.models import BentoGridItem
from tests import factories as f

MICROSECOND = timedelta(microseconds=1)


@pytest.fixture
def as_of_hour(db) -> datetime:
    """The hour the trigger scores for in this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_trunc('hour', now(), 'UTC')")
        return cursor.fetchone()[0]


def record(topic, *events) -> BentoGridItem:
    """Insert events on `topic` in one statement; return its grid item, freshly read.

    Each event is (interaction_type, sentiment or None, created_at or None).
    """
    values = []
    for interaction, sentiment, created_at in events:
        values.append(
            ContentEngagement(
                content_type="trending_topic",
                content_id=topic.id,
                interaction_type=interaction,
                sentiment=sentiment,
                **({"created_at": created_at} if created_at else {}),
            )
        )
    ContentEngagement.objects.bulk_create(values)
    return BentoGridItem.objects.get(content_type="trending_topic", content_id=topic.id)


def many(n, interaction, sentiment=None, created_at=None):
    return [(interaction, sentiment, created_at)] * n


@pytest.mark.parametrize(
    ("events", "score", "sentiment_percent"),
    [
        (many(3, "view"), "3.00", "0.00"),
        (many(2, "share"), "10.00", "0.00"),
        (many(2, "bookmark"), "6.00", "0.00"),
        (many(4, "click"), "0.00", "0.00"),
        (
            many(1, "view") + many(1, "reaction", "positive") + many(2, "comment", "negative"),
            "6.00",
            "25.00",
        ),
        (many(1, "reaction", "positive") + many(2, "reaction", "neutral"), "6.67", "33.33"),
        (many(3, "reaction", "positive"), "20.00", "100.00"),
        (
            many(2, "view")
            + many(1, "share")
            + many(1, "bookmark")
            + many(1, "comment", "positive"),
            "14.00",
            "20.00",
        ),
        (many(120, "view"), "100.00", "0.00"),
        (many(19, "share") + many(1, "view"), "96.00", "0.00"),
        (many(21, "share"), "100.00", "0.00"),
    ],
    ids=[
        "views",
        "shares",
        "bookmarks",
        "clicks count as events only",
        "sentiment share",
        "thirds round to 2 decimals",
        "all positive",
        "everything",
        "capped at 100",
        "just under the cap",
        "over the cap",
    ],
)
def test_formula(as_of_hour, events, score, sentiment_percent):
    """score = views + 5 shares + 3 bookmarks + 20 positive/all; sentiment = 100 positive/all."""
    item = record(f.make_topic(), *events)
    assert (item.engagement_score, item.positive_sentiment_percent) == (
        Decimal(score),
        Decimal(sentiment_percent),
    )
    assert item.scored_at == as_of_hour
    assert (item.score_source, item.ranking_score) == ("engagement", Decimal(score))


def test_windows_just_inside_and_just_outside(as_of_hour):
    """The 24-hour window starts 23 hours before the current hour, the 7-day one 167 hours
    before; an event a microsecond earlier falls out of it."""
    day_start = as_of_hour - timedelta(hours=23)
    week_start = as_of_hour - timedelta(hours=167)
    item = record(
        f.make_topic(),
        ("share", None, day_start),  # inside 24 h: +5
        ("share", None, day_start - MICROSECOND),  # outside 24 h, inside 7 days
        ("reaction", "positive", week_start),  # inside 7 days only
        ("reaction", "positive", week_start - MICROSECOND),  # outside both
    )
    assert item.engagement_score == Decimal("5.00")  # one share, 1 event in the day, 0 positive
    assert item.events_24h == 1
    assert item.positive_sentiment_percent == Decimal("33.33")  # 1 positive of 3 in the week
    assert (item.share_count, item.view_count) == (2, 0)  # all-time counts take everything


def test_no_events_in_the_window_falls_back_to_the_base_score(as_of_hour):
    """Without events in the last 24 hours the live score is 0 and the base score ranks."""
    topic = f.make_topic(engagement_score=Decimal("72.50"))
    item = record(topic, ("view", None, as_of_hour - timedelta(days=3)))
    assert (item.engagement_score, item.events_24h) == (Decimal("0.00"), 0)
    assert (item.base_score, item.ranking_score, item.score_source) == (
        Decimal("72.50"),
        Decimal("72.50"),
        "base",
    )
    assert item.positive_sentiment_percent == Decimal("0.00")  # one event this week, not positive

    old = record(f.make_topic(), ("view", None, as_of_hour - timedelta(days=9)))
    assert old.positive_sentiment_percent == Decimal("50.00")  # nothing in 7 days: the default


def test_a_new_grid_item_gets_the_real_title_and_the_base_score(as_of_hour):
    """The first event on content without a grid item creates it with the content's title."""
    topic = f.make_topic(
        topic_name="Budget Carnivore Eating", engagement_score=Decimal("64"), tags=["budget"]
    )
    assert not BentoGridItem.objects.filter(content_id=topic.id).exists()
    item = record(topic, ("view", None, None))
    assert (item.content_title, item.base_score, item.data) == (
        "Budget Carnivore Eating",
        Decimal("64.00"),
        {"tags": ["budget"]},
    )
    assert (item.is_active, item.grid_position) == (True, None)


def test_scores_decay_when_the_hourly_rescore_runs(as_of_hour):
    """Figures computed hours ago are recomputed for the current hour: stale scores decay."""
    fresh = record(f.make_topic(), *many(5, "view"))
    stale = record(f.make_topic(), *many(3, "share", created_at=as_of_hour - timedelta(hours=30)))
    # As the item stood a day ago: scored then, when its shares were recent.
    BentoGridItem.objects.filter(pk=stale.pk).update(
        engagement_score=15, events_24h=3, scored_at=as_of_hour - timedelta(hours=24)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT engagement_rescore_all()")
        assert cursor.fetchone()[0] == 1  # only the stale item changed
        cursor.execute("SELECT count(*) FROM engagement_score_drift()")
        assert cursor.fetchone()[0] == 0
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.engagement_score, stale.events_24h, stale.score_source) == (
        Decimal("0.00"),
        0,
        "base",
    )
    assert stale.scored_at == as_of_hour
    assert fresh.engagement_score == Decimal("5.00")


def test_events_for_missing_content_are_refused_and_nothing_is_written(as_of_hour):
    """One event on content that does not exist refuses the whole statement."""
    topic = f.make_topic()
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        ContentEngagement.objects.bulk_create(
            [
                ContentEngagement(
                    content_type="trending_topic", content_id=topic.id, interaction_type="view"
                ),
                ContentEngagement(
                    content_type="top_video", content_id=987654, interaction_type="view"
                ),
            ]
        )
    assert excinfo.value.__cause__.diag.constraint_name == "content_engagement_content_exists"
    assert "top_video 987654 does not exist" in str(excinfo.value)
    assert not ContentEngagement.objects.exists()
    assert not EngagementRollup.objects.exists()
    assert not BentoGridItem.objects.filter(content_id=topic.id).exists()


def test_a_retried_event_uuid_is_stored_once(as_of_hour):
    """The same event_uuid, sent again alone or twice in one batch, is stored and counted once."""
    topic = f.make_topic()
    retried = uuid.uuid4()
    for _ in range(2):
        ContentEngagement.objects.bulk_create(
            [
                ContentEngagement(
                    content_type="trending_topic",
                    content_id=topic.id,
                    interaction_type="share",
                    event_uuid=retried,
                ),
                ContentEngagement(
                    content_type="trending_topic",
                    content_id=topic.id,
                    interaction_type="share",
                    event_uuid=retried,
                ),
                ContentEngagement(
                    content_type="trending_topic", content_id=topic.id, interaction_type="view"
                ),
            ]
        )
    assert ContentEngagement.objects.filter(event_uuid=retried).count() == 1
    item = BentoGridItem.objects.get(content_id=topic.id)
    assert (item.share_count, item.view_count, item.engagement_score) == (1, 2, Decimal("7.00"))


def test_verify_scores_finds_no_drift_then_names_a_tampered_figure(as_of_hour, capsys):
    """The recount agrees with the trigger; a figure changed behind its back is reported."""
    from django.core.management import call_command

    topic = f.make_topic()
    record(
        topic,
        *many(4, "view"),
        *many(2, "reaction", "positive"),
        ("share", None, as_of_hour - timedelta(days=2)),
    )
    record(f.make_topic(), *many(3, "bookmark"))
    call_command("verify_scores")
    assert "no drift" in capsys.readouterr().out

    BentoGridItem.objects.filter(content_id=topic.id).update(view_count=99)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_scores")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "view_count" in out and "99" in out and "4" in out
