"""POST /api/engagement/ as the reader's page sends it (grid/static/grid/homepage.js).

Anonymous readers' events go by navigator.sendBeacon: a JSON Blob (Content-Type
application/json), cookies included, and no header of the page's choosing, so no CSRF token.
A signed-in reader's session cookie makes Django want the token, which the page sends in the
X-CSRFToken header of a keepalive fetch(). Django's CSRF checks are on in these tests, as in a
browser (the test client skips them by default).
"""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from engagement.models import ContentEngagement
from tests import factories as f

URL = "/api/engagement/"
# What Chromium sends with a same-origin beacon, besides the cookies.
BEACON_HEADERS = {"Origin": "http://testserver", "Sec-Fetch-Mode": "no-cors", "Accept": "*/*"}


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()


@pytest.fixture
def browser():
    """A client that, like a browser, is held to Django's CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def topic(db):
    return f.make_topic()


def event(topic, interaction="view") -> dict:
    return {
        "content_type": "trending_topic",
        "content_id": topic.id,
        "interaction_type": interaction,
        "event_uuid": str(uuid.uuid4()),
        "metadata": {"source": "homepage", "position": 3, "tile": "featured"},
    }


def beacon(client, body, **headers):
    return client.post(
        URL, body, content_type="application/json", headers={**BEACON_HEADERS, **headers}
    )


def test_an_anonymous_beacon_is_stored_without_a_csrf_token(browser, topic):
    """A beacon carries no token; an anonymous reader's event needs none."""
    browser.cookies["csrftoken"] = "x" * 32  # left by some other page: changes nothing
    response = beacon(browser, event(topic, "click"))
    assert response.status_code == 201
    stored = ContentEngagement.objects.get()
    assert (stored.interaction_type, stored.user_id) == ("click", None)


def test_the_views_of_one_moment_go_in_one_beacon(browser, db):
    """The tiles that came into view together are one batch, each event stored once even if
    the beacon is sent twice."""
    topics = [f.make_topic() for _ in range(3)]
    batch = {"events": [event(topic) for topic in topics]}
    assert beacon(browser, batch).json() == {"received": 3, "stored": 3, "duplicates": 0}
    assert beacon(browser, batch).json() == {"received": 3, "stored": 0, "duplicates": 3}


def test_a_signed_in_readers_event_needs_the_csrf_header(browser, topic):
    """With the session cookie and no token (what a beacon would send) the event is refused;
    with the page's token in X-CSRFToken it is stored as the reader's."""
    reader = f.make_user()
    browser.force_login(reader)
    browser.get("/")  # the page hands a signed-in reader their token (and its cookie)
    token = browser.cookies["csrftoken"].value

    refused = beacon(browser, event(topic))
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    accepted = beacon(browser, event(topic), **{"X-CSRFToken": token})
    assert accepted.status_code == 201
    assert ContentEngagement.objects.get().user_id == reader.id
