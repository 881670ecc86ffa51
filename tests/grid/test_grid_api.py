"""GET /api/grid/, GET /api/grid/personalized/, POST /api/grid/refresh/, GET|PUT /api/me/interests/."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from grid.models import BentoGridItem, RefreshTrigger, UserInterest
from grid.selectors import grid_personalized
from grid.services import grid_refresh
from tests import factories as f
from tests.conftest import statements_sent


def test_public_grid_lists_the_top_seven_in_order(client, homepage):
    """The public grid lists the seven best items by slot, with tiles, scores and cache headers."""
    response = client.get("/api/grid/")
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body["items"]] == [i.id for i in homepage[:7]]
    first = body["items"][0]
    assert (first["slot"], first["tile"], first["score"], first["score_source"], first["tags"]) == (
        1,
        "hero",
        95.0,
        "base",
        ["budget"],
    )
    assert first["data"] == {"week_of": "2026-11-23"}
    assert body["refreshed_at"]
    assert "public" in response["Cache-Control"] and response["ETag"]


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


def test_personalised_grid_boosts_caps_and_resorts(client, homepage):
    """A reader's interests boost items +5 a shared tag, at most +20 and 100, and re-sort them."""
    reader = f.make_user()
    f.make_interest(
        user=reader,
        interests=["Science"],
        interest_tags=["science", "health", "beginners", "budget", "recipes"],
    )
    client.force_login(reader)
    body = client.get("/api/grid/personalized/").json()
    assert body["personalization_applied"] is True
    by_id = {i["id"]: i for i in body["items"]}
    assert (
        by_id[homepage[0].id]["personalization_boost"] == 5
        and by_id[homepage[0].id]["score"] == 100.0
    )
    assert (
        by_id[homepage[3].id]["personalization_boost"] == 10
        and by_id[homepage[3].id]["score"] == 80.0
    )
    assert by_id[homepage[5].id]["personalization_boost"] == 20  # 5 shared tags, capped at +20
    assert by_id[homepage[6].id]["personalization_boost"] == 0
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("score", "shared", "boost", "final"),
    [
        (50, 0, 0, 50.0),
        (50, 1, 5, 55.0),
        (50, 3, 15, 65.0),
        (50, 4, 20, 70.0),
        (50, 6, 20, 70.0),
        (95, 2, 10, 100.0),
    ],
)
def test_boost_rules(score, shared, boost, final):
    """grid_personalized adds 5 per shared tag, at most 20, and caps the score at 100."""
    tags = [f"t{n}" for n in range(shared)]
    (result,) = grid_personalized(
        [{"score": score, "slot": 1, "tags": tags}], set(tags) | {"other"}
    )
    assert (result["personalization_boost"], result["score"], result["public_score"]) == (
        boost,
        final,
        score,
    )


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
    """A reader's interests are saved as given and answered with slugged, deduplicated tags."""
    reader = f.make_user()
    client.force_login(reader)
    assert client.get("/api/me/interests/").json() == {
        "interests": [],
        "interest_tags": [],
        "modified_at": None,
    }
    response = client.put(
        "/api/me/interests/",
        {"interests": ["Budget Carnivore", "Organ meats", "budget carnivore"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["interest_tags"] == ["budget-carnivore", "organ-meats"]
    row = UserInterest.objects.get(user=reader)
    assert row.interests == ["Budget Carnivore", "Organ meats", "budget carnivore"]


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
