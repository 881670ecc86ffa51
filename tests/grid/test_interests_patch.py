"""PATCH /api/me/interests/ adds to a reader's interests (a merge); PUT replaces them; POST is
not a method of the endpoint."""

from __future__ import annotations

import pytest

from grid.models import UserInterest
from tests import factories as f

INTERESTS = "/api/me/interests/"


def patch(client, labels):
    return client.patch(INTERESTS, {"interests": labels}, content_type="application/json")


def put(client, labels):
    return client.put(INTERESTS, {"interests": labels}, content_type="application/json")


@pytest.mark.django_db
def test_patch_adds_labels_to_those_set_before(client):
    """PATCH keeps the reader's labels and appends the new ones, skipping any whose tag they
    already follow (or that repeats one given before it)."""
    reader = f.make_user()
    client.force_login(reader)
    assert put(client, ["Budget Carnivore", "Organ meats"]).status_code == 200
    response = patch(client, ["organ-meats", "Fasting", "fasting!", "Dry aging"])
    assert response.status_code == 200
    assert response.json()["interests"] == [
        "Budget Carnivore",
        "Organ meats",
        "Fasting",
        "Dry aging",
    ]
    assert response.json()["interest_tags"] == [
        "budgetcarnivore",
        "organmeats",
        "fasting",
        "dryaging",
    ]
    assert UserInterest.objects.get(user=reader).interests == response.json()["interests"]


@pytest.mark.django_db
def test_patch_without_interests_creates_them(client):
    """A reader with no interests yet (or only soft-deleted ones) gets exactly the labels
    given."""
    reader = f.make_user()
    f.make_interest(user=reader, interests=["Old"], interest_tags=["old"], is_active=False)
    client.force_login(reader)
    response = patch(client, ["Fasting"])
    assert response.status_code == 200
    assert (response.json()["interests"], response.json()["interest_tags"]) == (
        ["Fasting"],
        ["fasting"],
    )
    assert UserInterest.objects.get(user=reader).is_active


@pytest.mark.django_db
def test_patch_past_twenty_interests_is_refused(client):
    """A merge that would hold more than 20 labels gets 400 naming `interests`, and nothing
    changes."""
    reader = f.make_user()
    client.force_login(reader)
    put(client, [f"topic {n}" for n in range(19)])
    response = patch(client, ["new one", "new two"])
    assert response.status_code == 400
    assert response.json() == {
        "interests": ["At most 20 interests: you have 19 and 2 would be added."]
    }
    assert len(UserInterest.objects.get(user=reader).interests) == 19
    assert patch(client, ["topic 3", "new one"]).status_code == 200  # 19 + 1: fits


@pytest.mark.django_db
def test_patch_refuses_bad_labels_as_put_does(client):
    """PATCH validates each label as PUT does: 400 naming the field, nothing saved."""
    client.force_login(f.make_user())
    response = patch(client, ["!!!"])
    assert response.status_code == 400
    assert response.json() == {"interests": {"0": ["Needs at least one letter or digit."]}}
    assert not UserInterest.objects.exists()


@pytest.mark.django_db
def test_put_still_replaces(client):
    """PUT after PATCH replaces the whole list."""
    client.force_login(f.make_user())
    patch(client, ["Fasting", "Organ meats"])
    assert put(client, ["Dry aging"]).json()["interests"] == ["Dry aging"]


@pytest.mark.django_db
def test_post_is_not_a_method_of_interests(client):
    """POST /api/me/interests/ is answered 405, naming the methods there are."""
    client.force_login(f.make_user())
    response = client.post(INTERESTS, {"interests": ["a"]}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, PUT, PATCH, HEAD, OPTIONS"


@pytest.mark.django_db
def test_patch_needs_a_signed_in_reader(client):
    """PATCH from an anonymous caller gets 401 and saves nothing."""
    assert patch(client, ["Fasting"]).status_code == 401
    assert not UserInterest.objects.exists()
