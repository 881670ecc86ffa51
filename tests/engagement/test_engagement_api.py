"""POST /api/engagement/, GET /api/engagement/mine/ and GET /api/engagement/sentiment/."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from engagement.models import ContentEngagement, DroppedEngagement
from grid.models import BentoGridItem
from tests import factories as f
from tests.conftest import drain
from trending.models import TrendingTopic

URL = "/api/engagement/"


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()  # throttling counts live in the cache


@pytest.fixture
def topic(db):
    return f.make_topic()


def post(client, body, **headers):
    """POST a JSON body (a Python value, or raw bytes sent as they are)."""
    return client.post(URL, body, content_type="application/json", headers=headers)


def view_of(topic, **extra):
    return {
        "content_type": "trending_topic",
        "content_id": topic.id,
        "interaction_type": "view",
        **extra,
    }


def test_anonymous_event_is_stored_without_user(client, topic):
    """An anonymous event is stored without a user, as `anon`, for a fingerprinted reader, and
    counted on the content's grid item by the rollup."""
    response = post(client, view_of(topic))
    assert response.status_code == 201
    assert response.json() == {"received": 1, "stored": 1, "duplicates": 0}
    event = ContentEngagement.objects.get()
    assert (event.user_id, event.is_anonymous, event.db_role, event.app_role) == (
        None,
        True,
        "anon",
        None,
    )
    assert event.reader_key is not None
    assert drain() == 1
    assert BentoGridItem.objects.get(content_id=topic.id).view_count == 1


def test_signed_in_event_belongs_to_the_signed_in_user(client, topic):
    """A signed-in reader's event is stored as theirs, with its sentiment, comment and metadata."""
    reader = f.make_user()
    client.force_login(reader)
    comment = view_of(
        topic,
        interaction_type="comment",
        sentiment="positive",
        sentiment_score="0.8",
        comment_text="Great video!",
        metadata={"device": "mobile"},
    )
    assert post(client, comment).status_code == 201
    event = ContentEngagement.objects.get()
    assert (event.user_id, event.sentiment, event.comment_text, event.metadata) == (
        reader.id,
        "positive",
        "Great video!",
        {"device": "mobile"},
    )


def test_token_authenticated_batch(client, topic):
    """A batch sent with a token is stored for the token's user (as `authenticated`, counting
    for that user) and counted per interaction by the rollup."""
    reader = f.make_user()
    token = Token.objects.create(user=reader)
    events = [
        view_of(topic),
        view_of(topic, interaction_type="share"),
        view_of(topic, interaction_type="bookmark"),
    ]
    response = post(client, {"events": events}, Authorization=f"Token {token.key}")
    assert response.status_code == 201
    assert response.json()["stored"] == 3
    assert set(ContentEngagement.objects.values_list("user_id", "db_role", "reader_key")) == {
        (reader.id, "authenticated", reader.id)
    }
    assert drain() == 3
    item = BentoGridItem.objects.get(content_id=topic.id)
    assert (item.view_count, item.share_count, item.bookmark_count) == (1, 1, 1)


def test_a_spoofed_user_id_is_refused(client, topic):
    """The user comes from authentication; a body naming one is refused, nothing stored."""
    victim = f.make_user()
    client.force_login(f.make_user())
    response = post(client, view_of(topic, user_id=str(victim.id)))
    assert response.status_code == 400
    assert "user_id" in response.json()
    batch = post(client, {"events": [view_of(topic), view_of(topic, user_id=str(victim.id))]})
    assert batch.status_code == 400
    assert batch.json()["events"]["1"]["user_id"]
    assert not ContentEngagement.objects.exists()


BAD_INPUTS = [
    ("content_id not a number", None, {"content_id": "abc"}, "content_id"),
    ("negative content id", None, {"content_id": -4}, "content_id"),
    ("unknown interaction", None, {"interaction_type": "like"}, "interaction_type"),
    ("unknown content type", None, {"content_type": "podcast"}, "content_type"),
    ("sentiment on a view", None, {"sentiment": "positive"}, "sentiment"),
    (
        "unknown sentiment",
        None,
        {"interaction_type": "reaction", "sentiment": "ecstatic"},
        "sentiment",
    ),
    (
        "score without sentiment",
        None,
        {"interaction_type": "reaction", "sentiment_score": 0.5},
        "sentiment_score",
    ),
    (
        "score out of range",
        None,
        {"interaction_type": "reaction", "sentiment": "positive", "sentiment_score": 2},
        "sentiment_score",
    ),
    (
        "sentiment on an unreact",
        None,
        {"interaction_type": "unreact", "sentiment": "negative"},
        "sentiment",
    ),
    (
        "comment text on a share",
        None,
        {"interaction_type": "share", "comment_text": "hi"},
        "comment_text",
    ),
    ("empty comment", None, {"interaction_type": "comment", "comment_text": ""}, "comment_text"),
    (
        "comment too long",
        None,
        {"interaction_type": "comment", "comment_text": "x" * 5001},
        "comment_text",
    ),
    ("metadata not an object", None, {"metadata": ["a"]}, "metadata"),
    ("metadata too big", None, {"metadata": {"blob": "x" * 3000}}, "metadata"),
    ("metadata with a NUL", None, {"metadata": {"note": "a\u0000b"}}, "metadata"),
    ("metadata key with a NUL", None, {"metadata": {"a\u0000": 1}}, "metadata"),
    ("metadata with a lone surrogate", None, {"metadata": {"note": ["\ud800"]}}, "metadata"),
    (
        "comment text not a string",
        None,
        {"interaction_type": "comment", "comment_text": 5},
        "comment_text",
    ),
    ("event uuid not a uuid", None, {"event_uuid": "nope"}, "event_uuid"),
    ("event uuid a boolean", None, {"event_uuid": False}, "event_uuid"),
    ("event uuid a number", None, {"event_uuid": 7}, "event_uuid"),
    ("future timestamp", None, {"occurred_at": "2099-01-01T00:00:00Z"}, "occurred_at"),
    ("timestamp too old", None, {"occurred_at": "2020-01-01T00:00:00Z"}, "occurred_at"),
    ("timestamp not a date", None, {"occurred_at": "yesterday"}, "occurred_at"),
    ("unknown field", None, {"colour": "red"}, "colour"),
    ("missing content", None, {"content_id": 999999}, "content_id"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), [c[2:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_event_gets_400_naming_the_field_and_nothing_is_written(
    client, topic, overrides, field
):
    """Each bad event gets a 400 naming the bad field, and nothing is stored."""
    response = post(client, view_of(topic, **overrides))
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not ContentEngagement.objects.exists()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (b'{"content_type": "trending_topic", "content_id": ', "detail"),
        (b"[1, 2, 3]", "non_field_errors"),
        (b'"just a string"', "non_field_errors"),
        (b'{"events": []}', "events"),
        (b'{"events": "all of them"}', "events"),
        (b'{"events": [], "extra": 1}', "extra"),
        (b"[" * 100_000, "detail"),
        (b'{"metadata": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}", "detail"),
    ],
    ids=[
        "malformed json",
        "a list",
        "a string",
        "empty batch",
        "events not a list",
        "unknown top-level key",
        "nested past the parser's recursion",
        "nested past 32 levels",
    ],
)
def test_malformed_bodies_get_400(client, topic, body, key):
    """A body that is not an event or a batch gets a 400 naming the problem; nothing is stored."""
    response = post(client, body)
    assert response.status_code == 400
    assert key in response.json(), response.json()
    assert not ContentEngagement.objects.exists()


@pytest.mark.parametrize("number", [b"1e400", b"-1e400"])
def test_metadata_with_a_number_past_a_double_gets_400(client, topic, number):
    """Metadata with a number beyond a double's range gets a 400 naming metadata; nothing stored."""
    body = (
        json.dumps(view_of(topic, metadata={"x": 0})).encode().replace(b'"x": 0', b'"x": ' + number)
    )
    response = post(client, body)
    assert response.status_code == 400
    assert "metadata" in response.json(), response.json()
    assert not ContentEngagement.objects.exists()


def test_a_body_over_the_upload_limit_gets_a_json_400(client, topic, settings):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE gets a JSON 400, not an HTML error page."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, {"events": [view_of(topic, metadata={"x": "y" * 500})] * 3})
    assert response.status_code == 400
    assert response.json() == {"detail": "Request body too large."}


def test_oversize_batch_is_refused(client, topic):
    """A batch of more than 500 events gets a 400 naming events; nothing is stored."""
    response = post(client, {"events": [view_of(topic)] * 501})
    assert response.status_code == 400
    assert "events" in response.json()
    assert not ContentEngagement.objects.exists()


def test_a_batch_is_all_or_nothing(client, topic):
    """One bad event in a batch refuses the batch, with errors at that event's index."""
    events = [
        view_of(topic),
        view_of(topic, content_id=424242),
        view_of(topic, interaction_type="like"),
    ]
    response = post(client, {"events": events})
    assert response.status_code == 400
    errors = response.json()["events"]
    assert list(errors) == ["2"] and "interaction_type" in errors["2"]
    assert not ContentEngagement.objects.exists()
    missing = post(client, {"events": events[:2]})
    assert missing.status_code == 400
    assert missing.json()["events"] == {"1": {"content_id": ["No trending_topic with id 424242."]}}
    assert not ContentEngagement.objects.exists()


def test_hidden_content_counts_as_missing(client, db):
    """An event for inactive content gets the same 400 as one for content that does not exist."""
    hidden = f.make_topic(is_active=False)
    response = post(client, view_of(hidden))
    assert response.status_code == 400
    assert "content_id" in response.json()


def test_a_retried_event_is_stored_once(client, topic):
    """An event sent twice with the same event_uuid is stored and counted once."""
    event = view_of(topic, interaction_type="share", event_uuid=str(uuid.uuid4()))
    assert post(client, event).json() == {"received": 1, "stored": 1, "duplicates": 0}
    assert post(client, event).json() == {"received": 1, "stored": 0, "duplicates": 1}
    assert ContentEngagement.objects.count() == 1
    assert drain() == 1
    assert BentoGridItem.objects.get(content_id=topic.id).share_count == 1


def test_an_event_in_the_past_week_is_accepted(client, topic):
    """An event with an occurred_at two days ago is stored with that time."""
    occurred = (timezone.now() - timedelta(days=2)).isoformat()
    assert post(client, view_of(topic, occurred_at=occurred)).status_code == 201
    assert ContentEngagement.objects.get().created_at < timezone.now() - timedelta(days=1)


@pytest.mark.parametrize(
    "agent",
    [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 HeadlessChrome/120.0",
    ],
)
def test_known_bots_are_dropped_with_a_reason(client, topic, agent):
    """Events from a known bot user agent get a 202, are not stored, and the drop is recorded."""
    response = post(client, {"events": [view_of(topic)] * 3}, User_Agent=agent)
    assert response.status_code == 202
    assert response.json() == {"received": 3, "stored": 0, "reason": "bot_user_agent"}
    assert not ContentEngagement.objects.exists()
    assert list(DroppedEngagement.objects.values_list("reason", "event_count", "user_agent")) == [
        ("bot_user_agent", 3, agent)
    ]


def test_ordinary_clients_are_not_taken_for_bots(client, topic):
    """Browsers, HTTP libraries and curl are not taken for bots: their events are stored."""
    for agent in ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)", "python-requests/2.32", "curl/8.5"):
        assert post(client, view_of(topic), User_Agent=agent).status_code == 201


def test_anonymous_writes_are_throttled(client, topic, settings):
    """Anonymous posts past ENGAGEMENT_ANON_RATE get 429 and are not stored."""
    settings.ENGAGEMENT_ANON_RATE = "3/min"
    statuses = [post(client, view_of(topic)).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert ContentEngagement.objects.count() == 3


def test_anonymous_writes_are_limited_by_the_anonymous_rate_only(client, topic, settings):
    """Anonymous posts are limited by ENGAGEMENT_ANON_RATE, not by the lower user rate."""
    settings.ENGAGEMENT_ANON_RATE, settings.ENGAGEMENT_USER_RATE = "4/min", "2/min"
    statuses = [post(client, view_of(topic)).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 201, 429]


def test_signed_in_writes_are_throttled_per_reader_not_per_address(client, topic, settings):
    """Signed-in posts are limited per reader at ENGAGEMENT_USER_RATE, not per client address."""
    settings.ENGAGEMENT_ANON_RATE, settings.ENGAGEMENT_USER_RATE = "1/min", "2/min"
    client.force_login(f.make_user())
    statuses = [post(client, view_of(topic)).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    client.force_login(f.make_user())
    assert post(client, view_of(topic)).status_code == 201


def test_anonymous_clients_behind_a_trusted_proxy_are_throttled_apart(client, topic, settings):
    """Behind a trusted proxy, anonymous clients are throttled by their X-Forwarded-For address."""
    settings.ENGAGEMENT_ANON_RATE = "1/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    first, second = {"X_Forwarded_For": "198.51.100.7"}, {"X_Forwarded_For": "203.0.113.9"}
    assert post(client, view_of(topic), **first).status_code == 201
    assert post(client, view_of(topic), **first).status_code == 429
    assert post(client, view_of(topic), **second).status_code == 201


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, topic, settings):
    """Without a trusted proxy, X-Forwarded-For is ignored: forged addresses share one limit."""
    settings.ENGAGEMENT_ANON_RATE = "1/min"
    assert post(client, view_of(topic), X_Forwarded_For="198.51.100.7").status_code == 201
    assert post(client, view_of(topic), X_Forwarded_For="203.0.113.9").status_code == 429


def test_mine_lists_only_the_callers_events_even_for_an_editor(client, topic):
    """mine/ lists only the caller's events, even for an editor, and shows no user id."""
    editor, other = f.make_editor(), f.make_user()
    f.make_engagement(content_type="trending_topic", content_id=topic.id, user=editor)
    f.make_engagement(content_type="trending_topic", content_id=topic.id, user=other)
    f.make_engagement(content_type="trending_topic", content_id=topic.id)
    client.force_login(editor)
    body = client.get("/api/engagement/mine/").json()
    assert [r["content_id"] for r in body["results"]] == [topic.id]
    assert "user" not in body["results"][0] and "user_id" not in body["results"][0]


def test_mine_needs_a_signed_in_user(client, db):
    """/api/engagement/mine/ answers an anonymous caller with 401."""
    assert client.get("/api/engagement/mine/").status_code == 401


def test_public_sentiment_shows_counts_and_percents_only(client, topic):
    """Sentiment shows counts and percents of active content only, never comments or readers."""
    reader = f.make_user()
    for sentiment in ("positive", "positive", "negative"):
        f.make_engagement(
            content_type="trending_topic",
            content_id=topic.id,
            user=reader,
            interaction_type="comment",
            sentiment=sentiment,
            comment_text="secret words",
        )
    f.make_engagement(content_type="trending_topic", content_id=topic.id, interaction_type="view")
    hidden = f.make_topic()
    f.make_engagement(content_type="trending_topic", content_id=hidden.id)
    TrendingTopic.objects.filter(pk=hidden.pk).update(is_active=False)  # hidden since its event
    assert drain() == 5

    response = client.get("/api/engagement/sentiment/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row == {
        "content_type": "trending_topic",
        "content_id": topic.id,
        "events": 4,
        "positive": 2,
        "negative": 1,
        "neutral": 0,
        "positive_percent": 50.0,
        "negative_percent": 25.0,
        "neutral_percent": 0.0,
    }
    assert (
        b"secret words" not in response.content and str(reader.id).encode() not in response.content
    )
    assert (
        client.get(f"/api/engagement/sentiment/?content_id={topic.id + 1000}").json()["results"]
        == []
    )
    assert client.get("/api/engagement/sentiment/?content_type=radio").status_code == 400
    assert client.get("/api/engagement/sentiment/?content_id=x").status_code == 400


def test_content_gone_between_check_and_insert_is_a_400_and_nothing_is_written(
    client, topic, monkeypatch
):
    """If the content disappears after it was checked, the event trigger refuses the insert:
    the caller gets a 400 and the request's transaction ends cleanly."""

    def insert_unchecked(*, events, user_id, **client):  # the insert after a check the race lost
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO content_engagement (content_type, content_id, interaction_type)"
                " VALUES (%s, %s, %s)",
                [events[0].content_type, events[0].content_id, events[0].interaction_type],
            )

    monkeypatch.setattr("engagement.apis.engagement_record", insert_unchecked)
    gone = topic.id + 10_000
    response = post(client, view_of(topic, content_id=gone))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [f"trending_topic {gone} does not exist or is hidden"]
    }
    monkeypatch.undo()
    assert not ContentEngagement.objects.exists()
    assert post(client, view_of(topic)).status_code == 201
