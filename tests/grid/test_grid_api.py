"""GET /api/grid/, GET /api/grid/personalized/, POST /api/grid/refresh/, GET|PUT /api/me/interests/."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from grid.models import BentoGridItem, RefreshTrigger, UserInterest
from grid.selectors import grid_personalized
from grid.services import grid_refresh
from tests import factories as f
from tests.conftest import statements_sent


def test_public_grid_lists_the_top_seven_in_order(client, homepage):
    """The public grid lists the seven best items by slot, with tiles, their rank_score and its
    parts, and cache headers."""
    response = client.get("/api/grid/")
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body["items"]] == [i.id for i in homepage[:7]]
    first = body["items"][0]
    assert (first["slot"], first["tile"], first["score"], first["week_of"], first["tags"]) == (
        1,
        "hero",
        9.5,  # prior 95 / 10, no readers, no week: no age
        None,
        ["budget"],
    )
    assert first["ranking"] == {
        "prior": 9.5,
        "readers": 0.0,
        "age_penalty": 0.0,
        "boost": 0,
        "pinned": False,
        "rank_score": 9.5,
    }
    assert (first["reader_weight_7d"], first["events_7d"]) == (0, 0)
    assert "score_source" not in first
    assert first["data"] == {"week_of": "2026-11-23"}
    assert body["refreshed_at"]
    assert "public" in response["Cache-Control"] and response["ETag"]


def test_each_item_explains_its_rank_score(client, homepage):
    """prior (base / 10) + readers (10 log10(1 + weight)) - age_penalty (10 a week since
    week_of, as of the refresh) = score: readers' votes lift an item, its week's age lowers it."""
    tail, dated = homepage[6], homepage[1]
    for reader in [f.make_user() for _ in range(3)]:  # each: a view and a share vote, 1 + 5
        client.force_login(reader)
        for interaction in ("view", "share", "view"):  # the second view counts no more
            event = {
                "content_type": "trending_topic",
                "content_id": tail.content_id,
                "interaction_type": interaction,
            }
            response = client.post("/api/engagement/", event, content_type="application/json")
            assert response.status_code == 201
    client.logout()
    week_of = datetime.now(UTC).date() - timedelta(days=3)
    BentoGridItem.objects.filter(pk=dated.pk).update(week_of=week_of)
    grid_refresh(trigger=RefreshTrigger.COMMAND)  # drains the events first

    body = client.get("/api/grid/").json()
    lifted = body["items"][0]
    assert (lifted["id"], lifted["reader_weight_7d"], lifted["events_7d"]) == (tail.id, 18, 9)
    assert lifted["ranking"] == {
        "prior": 4.0,
        "readers": 12.79,  # 10 log10(1 + 18)
        "age_penalty": 0.0,
        "boost": 0,
        "pinned": False,
        "rank_score": 16.7875,
    }
    assert lifted["score"] == 16.79

    aged = next(i for i in body["items"] if i["id"] == dated.id)
    refreshed_at = datetime.fromisoformat(body["refreshed_at"])
    age = refreshed_at - datetime.combine(week_of, time(), tzinfo=UTC)
    penalty = Decimal(age // timedelta(microseconds=1)) / 10**6 * 10 / (7 * 86400)
    assert aged["week_of"] == week_of.isoformat()
    assert aged["ranking"]["age_penalty"] == float(penalty.quantize(Decimal("0.01"), ROUND_HALF_UP))
    assert 30 / 7 <= aged["ranking"]["age_penalty"] <= 40 / 7  # three days and part of one
    assert aged["slot"] == 7  # 9.0 less 4.3 to 5.7: after 5.0, before 3.0


def test_a_cached_grid_is_served_without_the_database(client, homepage):
    """A second request for the public grid is served from the cache without any SQL."""
    client.get("/api/grid/")
    with statements_sent() as sent:
        assert client.get("/api/grid/").status_code == 200
    assert sent == []


def test_bad_credentials_are_refused_even_with_the_grid_cached(client, homepage):
    """An unknown token gets 401 even when the grid is cached; a valid one gets the cached grid."""
    cached = client.get("/api/grid/")
    response = client.get("/api/grid/", headers={"Authorization": f"Token {'0' * 40}"})
    assert response.status_code == 401
    reader_token = Token.objects.create(user=f.make_user()).key
    signed_in = client.get("/api/grid/", headers={"Authorization": f"Token {reader_token}"})
    assert (signed_in.status_code, signed_in.content) == (200, cached.content)


def test_etag_changes_only_when_the_grid_does(client, homepage):
    """The ETag answers 304, survives a refresh that changes nothing, and changes with the items."""
    etag = client.get("/api/grid/")["ETag"]
    assert client.get("/api/grid/", headers={"If-None-Match": etag}).status_code == 304
    grid_refresh(trigger=RefreshTrigger.COMMAND)  # nothing changed
    assert client.get("/api/grid/")["ETag"] == etag
    BentoGridItem.objects.filter(pk=homepage[0].pk).update(is_active=False)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    changed = client.get("/api/grid/")
    assert changed["ETag"] != etag
    assert homepage[0].id not in [i["id"] for i in changed.json()["items"]]


def test_anonymous_readers_get_the_public_grid_unpersonalised(client, homepage):
    """An anonymous reader's personalised grid is the public grid, with no boost."""
    body = client.get("/api/grid/personalized/").json()
    public = client.get("/api/grid/").json()
    assert body["personalization_applied"] is False
    assert [i["id"] for i in body["items"]] == [i["id"] for i in public["items"]]
    assert {i["personalization_boost"] for i in body["items"]} == {0}


def test_personalised_grid_boosts_and_resorts(client, homepage):
    """A reader's interests add +5 points a shared tag, at most +20, to each item's rank_score
    (no cap on the result), and re-sort the items; each shows its boost in its ranking."""
    reader = f.make_user()
    f.make_interest(
        user=reader,
        interests=["Science"],
        interest_tags=["science", "health", "beginners", "budget", "recipes"],
    )
    client.force_login(reader)
    body = client.get("/api/grid/personalized/").json()
    assert body["personalization_applied"] is True
    expected = {  # item: (boost, public score, personalised score)
        homepage[0].id: (5, 9.5, 14.5),
        homepage[1].id: (5, 9.0, 14.0),
        homepage[2].id: (10, 8.0, 18.0),
        homepage[3].id: (10, 7.0, 17.0),
        homepage[4].id: (5, 6.0, 11.0),
        homepage[5].id: (20, 5.0, 25.0),  # 5 shared tags: +20 at most
        homepage[6].id: (0, 4.0, 4.0),
    }
    assert {
        i["id"]: (i["personalization_boost"], i["public_score"], i["score"]) for i in body["items"]
    } == expected
    assert all(
        (i["ranking"]["boost"], i["ranking"]["rank_score"])
        == (i["personalization_boost"], i["score"])
        for i in body["items"]
    )
    assert [i["id"] for i in body["items"]] == [homepage[n].id for n in (5, 2, 3, 0, 1, 4, 6)]


def public_item(slot: int, rank_score: float, tags: list[str], pinned: bool = False) -> dict:
    """An item as GET /api/grid/ serves it, with what grid_personalized reads."""
    return {
        "slot": slot,
        "score": round(rank_score, 2),
        "tags": tags,
        "is_pinned": pinned,
        "ranking": {
            "prior": rank_score,
            "readers": 0.0,
            "age_penalty": 0.0,
            "boost": 0,
            "pinned": pinned,
            "rank_score": rank_score,
        },
    }


@pytest.mark.parametrize(
    ("rank_score", "shared", "boost", "final"),
    [
        (5.0, 0, 0, 5.0),
        (5.0, 1, 5, 10.0),
        (5.0, 3, 15, 20.0),
        (5.0, 4, 20, 25.0),
        (5.0, 6, 20, 25.0),
        (95.0, 2, 10, 105.0),
        (-3.25, 1, 5, 1.75),
    ],
)
def test_boost_rules(rank_score, shared, boost, final):
    """grid_personalized adds 5 points per shared tag, at most 20, to the rank_score, with no
    cap on the result."""
    tags = [f"t{n}" for n in range(shared)]
    (result,) = grid_personalized([public_item(1, rank_score, tags)], set(tags) | {"other"})
    assert (result["personalization_boost"], result["score"], result["public_score"]) == (
        boost,
        final,
        rank_score,
    )
    assert (result["ranking"]["boost"], result["ranking"]["rank_score"]) == (boost, final)


def test_pinned_items_keep_their_slot_in_the_personalised_grid():
    """A pinned item stays at its slot however the others are boosted; they fill the other
    slots by boosted rank_score, ties in the public order."""
    items = [
        public_item(1, 2.0, [], pinned=True),
        public_item(2, 9.0, []),
        public_item(3, 8.0, ["budget"]),
        public_item(4, 4.0, ["budget"]),
        public_item(5, 9.0, []),
    ]
    result = grid_personalized(items, {"budget"})
    assert [(i["slot"], i["score"]) for i in result] == [
        (1, 2.0),
        (3, 13.0),
        (2, 9.0),
        (4, 9.0),
        (5, 9.0),
    ]


def test_a_reader_never_sees_another_readers_interests(client, homepage):
    """Another reader's interests neither boost a reader's grid nor show among their interests."""
    fan, other = f.make_user(), f.make_user()
    f.make_interest(user=fan, interests=["Budget"], interest_tags=["budget"])
    client.force_login(other)
    body = client.get("/api/grid/personalized/").json()
    assert {i["personalization_boost"] for i in body["items"]} == {0}
    assert client.get("/api/me/interests/").json()["interests"] == []


def test_refresh_endpoint_is_for_editors_only(client, homepage):
    """POST /api/grid/refresh/ gets 401 anonymous, 403 for a reader, and runs for an editor."""
    assert client.post("/api/grid/refresh/").status_code == 401
    client.force_login(f.make_user())
    assert client.post("/api/grid/refresh/").status_code == 403
    editor = f.make_editor()
    client.force_login(editor)
    response = client.post("/api/grid/refresh/")
    assert response.status_code == 201
    assert response.json()["items_ranked"] == 9
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT requested_by_id, triggered_by FROM grid_refresh_runs ORDER BY id DESC LIMIT 1"
        )
        assert cursor.fetchone() == (editor.id, "api")


def test_refresh_clears_the_cached_grid(client, homepage):
    """A refresh through the API clears the cached grid: the next read shows the new order."""
    client.get("/api/grid/")
    BentoGridItem.objects.filter(pk=homepage[6].pk).update(base_score=99)
    client.force_login(f.make_editor())
    client.post("/api/grid/refresh/")
    assert client.get("/api/grid/").json()["items"][0]["id"] == homepage[6].id


def test_interests_round_trip(client, db):
    """A reader's interests are saved as given and answered as tags normalised the one way
    (grid/tags.py: no case, spaces, hyphens or '#'), without repeats."""
    reader = f.make_user()
    client.force_login(reader)
    assert client.get("/api/me/interests/").json() == {
        "interests": [],
        "interest_tags": [],
        "modified_at": None,
    }
    response = client.put(
        "/api/me/interests/",
        {"interests": ["Budget Carnivore", "Organ meats", "#budget-carnivore"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["interest_tags"] == ["budgetcarnivore", "organmeats"]
    row = UserInterest.objects.get(user=reader)
    assert row.interests == ["Budget Carnivore", "Organ meats", "#budget-carnivore"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"interests": "budget"}, "interests"),
        ({"interests": []}, "interests"),
        ({"interests": [f"tag {n}" for n in range(21)]}, "interests"),
        ({"interests": [42, {"a": 1}]}, "interests"),
        ({"interests": [42]}, "interests"),
        ({"interests": [""]}, "interests"),
        ({"interests": ["!!!"]}, "interests"),
        ({"interests": ["x" * 101]}, "interests"),
        ({}, "interests"),
        ({"interests": ["ok"], "user_id": "someone"}, "user_id"),
    ],
    ids=[
        "not a list",
        "empty",
        "21 tags",
        "not strings",
        "a number",
        "empty string",
        "no letters",
        "too long",
        "missing",
        "unknown field",
    ],
)
def test_bad_interests_get_400_naming_the_field(client, db, body, field):
    """Bad interests get a 400 naming the field, and nothing is saved."""
    client.force_login(f.make_user())
    response = client.put("/api/me/interests/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not UserInterest.objects.exists()


def test_interests_need_a_signed_in_reader(client, db):
    """GET and PUT /api/me/interests/ answer an anonymous caller with 401."""
    assert client.get("/api/me/interests/").status_code == 401
    put = client.put("/api/me/interests/", {"interests": ["a"]}, content_type="application/json")
    assert put.status_code == 401
