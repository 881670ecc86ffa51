"""GET /api/grid/ and shared caches: public for callers without credentials, private otherwise.

A CDN may keep the anonymous grid (public, max-age, stale-while-revalidate) and must keep one
copy for everyone, so no `Vary: Cookie`; an answer to a caller with credentials stays in that
caller's browser. Each caller is tried on a cold cache (the answer is read from
`homepage_grid`) and a warm one.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError
from rest_framework.authtoken.models import Token

from carnivore.db_unavailable import DATABASE_UNAVAILABLE_DETAIL
from tests import factories as f


def cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def varies_on(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def sign_in_with_session(client) -> dict:
    client.force_login(f.make_user())
    return {}


def sign_in_with_token(client) -> dict:
    return {"Authorization": f"Token {Token.objects.create(user=f.make_user()).key}"}


def csrf_cookie_only(client) -> dict:
    client.cookies["csrftoken"] = "x" * 32  # the admin's login page sets one: no credential
    return {}


def anonymous(client) -> dict:
    return {}


PUBLIC = {"public", "max-age=60", "stale-while-revalidate=300"}
PRIVATE = {"private", "max-age=60"}


@pytest.mark.parametrize("warm_cache", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        (anonymous, PUBLIC),
        (csrf_cookie_only, PUBLIC),
        (sign_in_with_session, PRIVATE),
        (sign_in_with_token, PRIVATE),
    ],
)
def test_only_callers_without_credentials_get_a_publicly_cacheable_grid(
    client, homepage, caller, expected, warm_cache
):
    """The anonymous grid is public with stale-while-revalidate and never varies on cookies;
    a session or a token makes it private, whether the grid was cached or not."""
    headers = caller(client)
    if warm_cache:
        client.get("/api/grid/")
    else:
        caches["homepage"].clear()
    response = client.get("/api/grid/", headers=headers)
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [i.id for i in homepage[:7]]
    assert cache_control(response) == expected
    if expected == PUBLIC:
        assert "cookie" not in varies_on(response)
        assert "Set-Cookie" not in response


@pytest.mark.parametrize("caller", [anonymous, sign_in_with_session, sign_in_with_token])
def test_a_current_etag_gets_304_with_the_same_caching_headers(client, homepage, caller):
    """If-None-Match with the current ETag is answered 304, as public or private as the 200."""
    headers = caller(client)
    first = client.get("/api/grid/", headers=headers)
    again = client.get("/api/grid/", headers={**headers, "If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert cache_control(again) == cache_control(first)


def test_the_lifetimes_come_from_settings(client, homepage, settings):
    """GRID_MAX_AGE and GRID_STALE_WHILE_REVALIDATE set the public lifetimes."""
    settings.GRID_MAX_AGE = 15
    settings.GRID_STALE_WHILE_REVALIDATE = 900
    assert cache_control(client.get("/api/grid/")) == {
        "public",
        "max-age=15",
        "stale-while-revalidate=900",
    }


def test_the_default_lifetimes_are_short():
    """A CDN serves a grid at most a minute old, or up to five more while it fetches a new one."""
    assert (settings.GRID_MAX_AGE, settings.GRID_STALE_WHILE_REVALIDATE) == (60, 300)


def test_a_cold_grid_without_the_database_is_a_503_to_retry(client, db, monkeypatch):
    """The anonymous path reads `homepage_grid` itself on a cold cache; losing the database
    there is the API's usual 503 with Retry-After, never an error page."""

    def database_gone():
        raise OperationalError("connection to server was lost")

    monkeypatch.setattr("grid.middleware.grid_homepage", database_gone)
    response = client.get("/api/grid/")
    assert response.status_code == 503
    assert response.json() == {"detail": DATABASE_UNAVAILABLE_DETAIL}
    assert response["Retry-After"] == "1"
