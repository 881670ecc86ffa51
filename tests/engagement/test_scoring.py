"""The figures and their windows, kept by the engagement rollup (SPEC section 4), case by case.

Events only append; the rollup (engagement_rollup_drain) counts them into the hourly rollups and
the grid items' figures, as of the hour it runs in. Inside one test transaction `now()` stands
still, so that hour is fixed: events are placed relative to it, just inside or just outside
each window, and drained in the same transaction. The test's connection sends no request
headers: its anonymous events all come from one reader.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from carnivore.db_context import ANONYMOUS, run_as
from engagement.models import ContentEngagement, EngagementRollup
from grid.models import BentoGridItem
from tests import factories as f
from tests.conftest import drain

MICROSECOND = timedelta(microseconds=1)


@pytest.fixture
def as_of_hour(db) -> datetime:
    """The hour the rollup scores for in this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_trunc('hour', now(), 'UTC')")
        return cursor.fetchone()[0]


def record(topic, *events) -> BentoGridItem:
    """Insert events on `topic` in one statement, drain; return its grid item, freshly read.

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
    assert drain() == len(values)  # each event counted, once
    return BentoGridItem.objects.get(content_type="trending_topic", content_id=topic.id)


def many(n, interaction, sentiment=None, created_at=None):
    return [(interaction, sentiment, created_at)] * n


@pytest.mark.parametrize(
    ("events", "score", "sentiment_percent", "reader_weight"),
    [
        (many(3, "view"), "3.00", "0.00", 1),
        (many(2, "share"), "10.00", "0.00", 5),
        (many(2, "bookmark"), "3.00", "0.00", 3),
        (many(4, "click"), "0.00", "0.00", 2),
        (
            many(1, "view") + many(1, "reaction", "positive") + many(2, "comment", "negative"),
            "6.00",
            "25.00",
            1 + 4 - 3,
        ),
        (many(1, "reaction", "positive") + many(2, "comment", "neutral"), "6.67", "33.33", 4 + 2),
        (many(3, "reaction", "positive"), "20.00", "100.00", 4),
        (
            many(2, "view")
            + many(1, "share")
            + many(1, "bookmark")
            + many(1, "comment", "positive"),
            "14.00",
            "20.00",
            1 + 5 + 3 + 4,
        ),
        (many(120, "view"), "100.00", "0.00", 1),
        (many(19, "share") + many(1, "view"), "96.00", "0.00", 5 + 1),
        (many(21, "share"), "100.00", "0.00", 5),
        (many(1, "bookmark") + many(1, "unbookmark"), "0.00", "50.00", 0),
        (many(1, "bookmark") + many(1, "unbookmark") + many(1, "bookmark"), "3.00", "0.00", 3),
        (many(1, "unbookmark") + many(1, "unreact") + many(1, "view"), "1.00", "0.00", 1),
        (many(1, "reaction", "positive") + many(1, "reaction", "negative"), "0.00", "0.00", -3),
        (many(1, "reaction", "positive") + many(1, "unreact") + many(1, "view"), "1.00", "0.00", 1),
        (
            many(1, "comment", "positive") + many(1, "reaction", "positive") + many(1, "unreact"),
            "20.00",
            "100.00",
            4,
        ),
    ],
    ids=[
        "views",
        "shares",
        "one reader's bookmark twice: one bookmark",
        "clicks count as events only",
        "sentiment share",
        "thirds round to 2 decimals",
        "one reader's latest reaction",
        "everything",
        "capped at 100",
        "just under the cap",
        "over the cap",
        "a bookmark taken back: nothing",
        "bookmark, unbookmark, bookmark: one",
        "undos of nothing change nothing",
        "a reaction replaced by the reader's next",
        "a reaction taken back",
        "a comment stays when the reaction is taken back",
    ],
)
def test_formula(as_of_hour, events, score, sentiment_percent, reader_weight):
    """engagement_score = views + 5 shares + 3 bookmarks + 20 positive/all (display only);
    sentiment = 100 positive/all; reader_weight_7d counts one reader once per kind of action
    (view 1, click 2, share 5, bookmark 3, positive +4, negative -3, neutral nothing). Of one
    reader's bookmarks and unbookmarks (reactions and unreacts) only the latest stands, in
    every figure: an undo counts for nothing itself and takes back what it undoes."""
    item = record(f.make_topic(), *events)
    assert (item.engagement_score, item.positive_sentiment_percent) == (
        Decimal(score),
        Decimal(sentiment_percent),
    )
    assert item.reader_weight_7d == reader_weight
    assert item.scored_at == as_of_hour


def test_windows_just_inside_and_just_outside(as_of_hour):
    """The 24-hour window starts 23 hours before the current hour, the 7-day one 167 hours
    before; an event a microsecond earlier falls out of it. The reader's votes count in the hour
    the events were stored: one share, one positive."""
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
    assert (item.events_7d, item.reader_weight_7d) == (3, 5 + 4)


def test_no_events_in_the_last_day_shows_a_zero_score_and_a_week_without_shows_the_defaults(
    as_of_hour,
):
    """Without events in the last 24 hours engagement_score is 0; with none in 7 days either,
    sentiment is the default 50. A reader's vote counts in the hour it was stored, whatever
    date the event carries."""
    topic = f.make_topic(engagement_score=Decimal("72.50"))
    item = record(topic, ("view", None, as_of_hour - timedelta(days=3)))
    assert (item.engagement_score, item.events_24h) == (Decimal("0.00"), 0)
    assert (item.base_score, item.events_7d, item.reader_weight_7d) == (Decimal("72.50"), 1, 1)
    assert item.positive_sentiment_percent == Decimal("0.00")  # one event this week, not positive

    old = record(f.make_topic(), ("view", None, as_of_hour - timedelta(days=9)))
    assert old.positive_sentiment_percent == Decimal("50.00")  # nothing in 7 days: the default
    assert (old.view_count, old.events_7d, old.reader_weight_7d) == (1, 0, 1)


def test_a_new_grid_item_gets_the_real_title_and_the_base_score(as_of_hour):
    """Content first seen through events gets its grid row from the rollup, not from the insert:
    the content's title, base score, week and normalised tags, active, with no position."""
    topic = f.make_topic(
        topic_name="Budget Carnivore Eating",
        engagement_score=Decimal("64"),
        tags=["Budget"],
        last_seen_week=date(2026, 11, 23),
    )
    f.make_engagement(content_type="trending_topic", content_id=topic.id)
    assert not BentoGridItem.objects.filter(content_id=topic.id).exists()  # the insert made none
    assert drain() == 1
    item = BentoGridItem.objects.get(content_type="trending_topic", content_id=topic.id)
    assert (item.content_title, item.base_score, item.week_of, item.data) == (
        "Budget Carnivore Eating",
        Decimal("64.00"),
        date(2026, 11, 23),
        {"tags": ["budget"], "week_of": "2026-11-23", "slug": topic.topic_slug},
    )
    assert (item.is_active, item.grid_position, item.view_count) == (True, None, 1)


def test_scores_decay_when_the_hourly_rescore_runs(as_of_hour):
    """Figures computed hours ago are recomputed for the current hour: stale scores decay, while
    the 7-day reader weight keeps what is still in its window."""
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
    assert (stale.engagement_score, stale.events_24h, stale.reader_weight_7d) == (
        Decimal("0.00"),
        0,
        5,  # one reader's shares of one hour: one vote
    )
    assert stale.scored_at == as_of_hour
    assert fresh.engagement_score == Decimal("5.00")


def test_a_backdated_event_counts_in_its_hour_and_votes_in_the_hour_it_was_stored(as_of_hour):
    """An event that happened 5 hours ago is counted in that hour's rollup, its reader's vote in
    the hour it reached the database (backdating wins no extra votes); the recount agrees."""
    topic = f.make_topic()
    item = record(topic, ("share", None, as_of_hour - timedelta(hours=5)))
    rollups = EngagementRollup.objects.filter(content_type="trending_topic", content_id=topic.id)
    assert set(rollups.values_list("hour", "events", "shares", "reader_shares")) == {
        (as_of_hour - timedelta(hours=5), 1, 1, 0),
        (as_of_hour, 0, 0, 1),
    }
    assert (item.share_count, item.shares_24h, item.reader_weight_7d) == (1, 1, 5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT figure, stored, recounted FROM engagement_score_drift()")
        assert cursor.fetchall() == []


@pytest.mark.django_db
def test_events_for_missing_content_are_refused_and_nothing_is_written():
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
    assert "top_video 987654 does not exist or is hidden" in str(excinfo.value)
    assert not ContentEngagement.objects.exists()
    assert not EngagementRollup.objects.exists()
    assert not BentoGridItem.objects.filter(content_id=topic.id).exists()


@pytest.mark.django_db
def test_events_for_hidden_content_are_refused_by_the_database_for_anyone():
    """A raw INSERT of an event on hidden content is refused by the database, as anon and as the
    superuser: no event is stored, and the content's hidden grid row stays hidden."""
    topic = f.make_topic(is_active=False)
    hidden_row = f.make_grid_item(
        content_type="trending_topic", content_id=topic.id, is_active=False
    )
    statement = (
        "INSERT INTO content_engagement (content_type, content_id, interaction_type)"
        " VALUES ('trending_topic', %s, 'view')"
    )
    for identity in (run_as(ANONYMOUS), nullcontext()):  # anon, then the test's superuser
        with (
            pytest.raises(DatabaseError) as excinfo,
            transaction.atomic(),
            identity,
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [topic.id])
        assert excinfo.value.__cause__.diag.constraint_name == "content_engagement_content_exists"
        assert f"trending_topic {topic.id} does not exist or is hidden" in str(excinfo.value)
    assert not ContentEngagement.objects.exists()
    hidden_row.refresh_from_db()
    assert hidden_row.is_active is False


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
    assert drain() == 3  # the retried share once, and the two views
    item = BentoGridItem.objects.get(content_id=topic.id)
    assert (item.share_count, item.view_count, item.engagement_score) == (1, 2, Decimal("7.00"))


def test_verify_scores_finds_no_drift_then_names_a_tampered_figure(as_of_hour, capsys):
    """The recount agrees with the rollup; a figure changed behind its back is reported."""
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
