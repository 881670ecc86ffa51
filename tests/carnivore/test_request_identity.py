"""Each request runs under its caller's role and claims, and leaves nothing behind.

The isolation tests run twice: straight to PostgreSQL, and through PgBouncer in transaction
mode with a single server connection, so that every request reuses the connection the
previous one used.
"""

from __future__ import annotations

import time

import jwt
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from carnivore.db_context import ANONYMOUS, SERVICE, run_as
from tests import factories as f
from tests.conftest import statements_sent
from tests.pgbouncer import connections_through_pgbouncer

pytestmark = [pytest.mark.urls("tests.carnivore.identity_urls")]


@pytest.fixture(params=["direct", "pgbouncer"])
def database_path(request, transactional_db):
    """Route the default connection straight to the server, or through PgBouncer."""
    if request.param == "direct":
        yield "direct"
        return
    with connections_through_pgbouncer(pool_size=1):
        yield "pgbouncer"


def session_state() -> tuple:
    """What a fresh transaction on the (pooled) connection runs as: no role, no claims."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user = session_user, current_setting('request.jwt.claims', true)"
        )
        same_user, claims = cursor.fetchone()
    return same_user, claims or ""


def test_requests_one_after_another_each_see_only_their_own_rows(database_path, client):
    """A, then B, then anonymous, on one connection: each sees exactly what is theirs."""
    user_a, user_b = f.make_user(), f.make_user()
    f.make_interest(user=user_a)
    f.make_interest(user=user_b)

    for user, expected in (
        (user_a, [str(user_a.id)]),
        (user_b, [str(user_b.id)]),
        (user_a, [str(user_a.id)]),
    ):
        client.force_login(user)
        body = client.get("/db/").json()
        assert body == {"role": "authenticated", "uid": str(user.id), "visible": expected}
        assert session_state() == (True, "")

    client.logout()
    assert client.get("/db/").json() == {"role": "anon", "uid": None, "visible": None}
    assert session_state() == (True, "")


def test_a_failing_request_leaves_no_identity_behind(database_path, client):
    """An exception in the view rolls the transaction back, role and claims with it."""
    client.raise_request_exception = False
    client.force_login(f.make_user())
    assert client.get("/fail/").status_code == 500
    assert session_state() == (True, "")


@pytest.mark.parametrize(
    ("sqlstate", "status"),
    [
        ("57P01", 503),  # admin_shutdown: the server is going away
        ("53300", 503),  # too_many_connections
        ("40P01", 503),  # deadlock_detected: a retry gets past it
        ("54001", 500),  # statement_too_complex: this request fails however often it is sent
        ("55000", 500),  # object_not_in_prerequisite_state
    ],
)
def test_only_errors_a_retry_can_get_past_are_answered_503(database_path, client, sqlstate, status):
    """psycopg files all of these under OperationalError; only the retryable ones say "try again"."""
    client.raise_request_exception = False
    response = client.get(f"/sqlstate/{sqlstate}/")
    assert response.status_code == status
    assert ("Retry-After" in response) == (status == 503)
    assert session_state() == (True, "")


def test_a_savepoint_rolled_back_first_does_not_undo_the_switch(database_path, client):
    """The role is switched before the first statement, even when that is a SAVEPOINT."""
    reader = f.make_user()
    f.make_interest(user=reader)
    f.make_interest()
    client.force_login(reader)
    assert client.get("/savepoint-first/").json()["visible"] == [str(reader.id)]


@pytest.mark.django_db(transaction=True)
def test_a_request_that_needs_no_database_sends_no_statement(client):
    """An anonymous request that never queries costs no round trip, not even the switch.

    (Django's query log lists BEGIN and COMMIT for the request's atomic block, but psycopg
    sends neither when no statement ran, so statements are counted where they are executed.)
    """
    with statements_sent() as statements:
        assert client.get("/no-db/").status_code == 200
        assert statements == []
        client.get("/db/")
    assert len(statements) == 1  # the view's own statement; the switch rides in front of it


@pytest.mark.django_db(transaction=True)
def test_token_and_jwt_authenticate_before_the_switch(client, settings):
    """A DRF token and a Supabase JWT both become the user's identity; bad ones get 401."""
    reader = f.make_user()
    token = Token.objects.create(user=reader)
    body = client.get("/db/", headers={"Authorization": f"Token {token.key}"}).json()
    assert (body["role"], body["uid"]) == ("authenticated", str(reader.id))
    assert client.get("/db/", headers={"Authorization": "Token nope"}).status_code == 401

    settings.SUPABASE_JWT_SECRET = "a-test-secret-of-at-least-32-bytes!!"
    claims = {
        "sub": str(reader.id),
        "aud": "authenticated",
        "role": "authenticated",
        "exp": int(time.time()) + 600,
    }
    good = jwt.encode(claims, settings.SUPABASE_JWT_SECRET, algorithm="HS256")
    body = client.get("/db/", headers={"Authorization": f"Bearer {good}"}).json()
    assert (body["role"], body["uid"]) == ("authenticated", str(reader.id))
    forged = jwt.encode(claims, "another-secret-of-at-least-32-bytes!!", algorithm="HS256")
    assert client.get("/db/", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


@pytest.mark.django_db
def test_run_as_nested_restores_the_outer_identity():
    """Jobs may nest identities; leaving the inner block restores the outer one."""
    with run_as(ANONYMOUS), connection.cursor() as cursor:
        with run_as(SERVICE):
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == ("service_role",)
        cursor.execute("SELECT current_user, auth.role()")
        assert cursor.fetchone() == ("anon", "anon")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user = session_user")
        assert cursor.fetchone() == (True,)
