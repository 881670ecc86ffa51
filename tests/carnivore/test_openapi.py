"""The OpenAPI 3 schema validates, Swagger UI is served, and every documented operation answers
with a status the schema documents."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from grid.models import RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f

# A valid request body for each documented operation that takes one.
BODIES = {
    ("/api/engagement/", "post"): lambda world: {
        "content_type": "trending_topic",
        "content_id": world["topic"].id,
        "interaction_type": "view",
    },
    ("/api/me/interests/", "put"): lambda world: {"interests": ["Budget carnivore"]},
    ("/api/me/interests/", "patch"): lambda world: {"interests": ["Organ meats"]},
    ("/api/auth/token/", "post"): lambda world: {
        "username": world["reader"].username,
        "password": "correct horse battery staple",  # tests.factories.make_user's
    },
}


@pytest.fixture
def schema(tmp_path) -> dict:
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


@pytest.mark.django_db
def test_schema_validates_and_covers_the_contract(schema):
    """The schema validates, lists every endpoint, and documents 401 and 503 on each operation."""
    paths = set(schema["paths"])
    assert {
        "/api/grid/",
        "/api/grid/personalized/",
        "/api/grid/refresh/",
        "/api/engagement/",
        "/api/engagement/mine/",
        "/api/engagement/sentiment/",
        "/api/me/interests/",
        "/api/me/",
        "/api/auth/token/",
        "/api/trending/",
        "/api/trending/{slug}/",
        "/api/videos/",
        "/api/creators/",
        "/api/creators/recommended/",
    } <= paths
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("responses"), f"{method.upper()} {path} documents no response"
            assert "401" in operation["responses"], f"{method.upper()} {path}"
            unavailable = operation["responses"].get("503", {})
            assert "Retry-After" in unavailable.get("headers", {}), f"{method.upper()} {path}"


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    """The schema and the Swagger UI page are served to anyone."""
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


@pytest.mark.django_db
def test_every_documented_operation_answers_as_documented(client, schema):
    """Each documented operation, called by an editor (DELETE /api/me/: by a reader), answers
    with a 2xx its schema lists."""
    topic = f.make_topic(topic_slug="budget-carnivore")
    f.make_topic_week(topic=topic)
    f.make_video()
    f.make_engagement(content_type="trending_topic", content_id=topic.id)
    editor = f.make_editor()
    f.make_interest(user=editor)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    world = {"topic": topic, "reader": f.make_user()}
    client.force_login(editor)
    leaver = Client()  # staff do not erase themselves: a reader leaves
    leaver.force_login(f.make_user())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            url = path.replace("{slug}", topic.topic_slug)
            body = BODIES.get((path, method), lambda world: None)(world)
            caller = leaver if (path, method) == ("/api/me/", "delete") else client
            response = (
                getattr(caller, method)(url, body, content_type="application/json")
                if body
                else getattr(caller, method)(url)
            )
            documented = {int(code) for code in operation["responses"]}
            succeeding = {code for code in documented if 200 <= code < 300}
            assert response.status_code in succeeding, (
                method,
                path,
                response.status_code,
                response.content[:200],
                succeeding,
            )
