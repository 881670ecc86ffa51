"""Schemathesis against the served OpenAPI schema: every operation, as every kind of caller.

Each operation of `/api/schema/` is fuzzed in-process through the WSGI application, once per
identity (anonymous, a reader, an editor), over a sample week imported for real and a refreshed
grid. Schema-valid and schema-violating requests alike must never get a 500; schema-violating
ones must get a 4xx; and every response must be one the schema documents, with the documented
content type, headers and body. A caller whose token is not valid is refused before its input
is read, so each operation gets that caller once, not fuzzed.

Not checked: `positive_data_acceptance` (every schema-valid request gets a 2xx). The schema
cannot say what the API rightly refuses with a 400 naming the field: an event for content that
does not exist or older than 7 days, a sentiment on a view, text with a NUL character (which
PostgreSQL cannot store), a label with no letter or digit.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import RequestFactory
from drf_spectacular.views import SpectacularAPIView
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from carnivore.wsgi import application
from grid.models import RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f
from trending.weekly_import.run import sample_week_import

IDENTITIES = ["anonymous", "reader", "editor"]
RESPONSE_CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
CHECKS = [
    *RESPONSE_CHECKS,
    schemathesis.checks.negative_data_rejection,
    schemathesis.checks.missing_required_header,
    schemathesis.checks.unsupported_method,
]
AN_EVENT = {"content_type": "trending_topic", "content_id": 1, "interaction_type": "view"}


def served_schema() -> dict:
    """The document GET /api/schema/ serves, produced by its view without the database (the
    test database does not exist yet while tests are collected; test_the_fuzzed_schema_is_served
    compares it with what the full stack serves)."""
    response = SpectacularAPIView.as_view()(RequestFactory().get("/api/schema/?format=json"))
    return json.loads(response.render().content)


schema = schemathesis.openapi.from_dict(
    served_schema(),
    # The caller's identity is ours to choose (IDENTITIES), not made up by the generator.
    config=schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}}),
)
schema.app = application  # requests go through the whole WSGI stack, in this process


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The sample week imported, the grid refreshed, and a token for each signed-in identity.

    Set up once for the module inside a transaction rolled back at the end; each test runs in
    a savepoint within it (pytest-django), so what one operation writes does not reach the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        sample_week_import()
        grid_refresh(trigger=RefreshTrigger.COMMAND)
        reader, editor = f.make_user(password=None), f.make_editor(password=None)
        f.make_interest(user=editor)
        yield {
            "anonymous": None,
            "reader": Token.objects.create(user=reader).key,
            "editor": Token.objects.create(user=editor).key,
        }
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Requests are served on the test's connection: the end of one must not close it (Django's
    test client disconnects these the same way, around each of its requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """Throttling stays on but never bites: every example would otherwise soon be a 429."""
    settings.ENGAGEMENT_ANON_RATE = settings.ENGAGEMENT_USER_RATE = "1000000/min"
    cache.clear()  # no throttle counts
    caches["homepage"].clear()  # and no homepage cached by an earlier test


@pytest.fixture(params=IDENTITIES)
def identity_headers(request, tokens) -> dict[str, str]:
    token = tokens[request.param]
    return {"Authorization": f"Token {token}"} if token else {}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure reproduces
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api(case, identity_headers):
    """No 500, bad input refused, and every response as the schema documents it."""
    case.call_and_validate(headers=identity_headers, checks=CHECKS)


@pytest.mark.django_db
def test_the_fuzzed_schema_is_served(client):
    """The document fuzzed above is the one GET /api/schema/ serves."""
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content) == schema.raw_schema


@pytest.mark.django_db
@pytest.mark.parametrize(
    "operation",
    [result.ok() for result in schema.get_all_operations()],
    ids=lambda operation: operation.label,
)
def test_bad_credentials_get_a_documented_401(operation, tokens):
    """An unknown token is refused with a 401 by every operation, as each documents."""
    slug = "budget-carnivore" if "{slug}" in operation.path else None
    case = operation.Case(path_parameters={"slug": slug} if slug else None)
    response = case.call(headers={"Authorization": f"Token {'0' * 40}"})
    assert response.status_code == 401
    case.validate_response(response, checks=RESPONSE_CHECKS)


@pytest.mark.django_db
def test_a_known_bot_gets_a_documented_202(tokens):
    """A crawler's events are dropped with a 202 as the schema documents it."""
    case = schema["/api/engagement/"]["POST"].Case(body=AN_EVENT, media_type="application/json")
    response = case.call(headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"})
    assert response.status_code == 202
    case.validate_response(response, checks=RESPONSE_CHECKS)


@pytest.mark.django_db
def test_a_throttled_client_gets_a_documented_429(tokens, settings):
    """Past the rate, engagement is refused with a 429 as the schema documents it."""
    settings.ENGAGEMENT_ANON_RATE = "1/min"
    case = schema["/api/engagement/"]["POST"].Case(body=AN_EVENT, media_type="application/json")
    case.call()
    response = case.call()
    assert response.status_code == 429
    assert response.headers["retry-after"]
    case.validate_response(response, checks=RESPONSE_CHECKS)
