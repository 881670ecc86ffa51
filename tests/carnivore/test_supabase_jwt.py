"""Supabase Auth JWTs: what a token must carry to be accepted, and the reader it creates on
first use (carnivore/authentication.py, `user_for_jwt`)."""

from __future__ import annotations

import threading
import time
import uuid

import jwt
import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests import factories as f
from tests.conftest import server_conninfo

SECRET = "a-test-secret-of-at-least-32-bytes!!"
ISSUER = "https://example.supabase.co/auth/v1"
INTERESTS = "/api/me/interests/"


@pytest.fixture
def supabase(settings):
    """SUPABASE_JWT_SECRET set, audience and issuer as Supabase's defaults and unchecked."""
    settings.SUPABASE_JWT_SECRET = SECRET
    settings.SUPABASE_JWT_AUDIENCE = "authenticated"
    settings.SUPABASE_JWT_ISSUER = ""
    return settings


def bearer(**claims) -> dict:
    """The Authorization header of a JWT signed with SECRET: Supabase's usual claims, with
    `claims` overriding them (None leaves a claim out)."""
    payload = {
        "sub": str(uuid.uuid4()),
        "aud": "authenticated",
        "role": "authenticated",
        "iss": ISSUER,
        "email": f"reader-{uuid.uuid4().hex[:8]}@example.com",
        "exp": int(time.time()) + 600,
        **claims,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    return {"Authorization": f"Bearer {jwt.encode(payload, SECRET, algorithm='HS256')}"}


@pytest.mark.django_db
def test_a_jwt_without_exp_is_refused(client, supabase):
    """A JWT that never expires (no `exp`) gets 401, even for a known reader."""
    reader = f.make_user()
    assert client.get(INTERESTS, headers=bearer(sub=str(reader.id), exp=None)).status_code == 401


@pytest.mark.django_db
def test_an_expired_jwt_is_refused(client, supabase):
    """A JWT past its `exp` gets 401."""
    reader = f.make_user()
    expired = bearer(sub=str(reader.id), exp=int(time.time()) - 60)
    assert client.get(INTERESTS, headers=expired).status_code == 401


@pytest.mark.django_db
def test_the_audience_is_checked_as_configured(client, supabase):
    """With SUPABASE_JWT_AUDIENCE set, a JWT for another audience (or none) gets 401."""
    reader = f.make_user()
    supabase.SUPABASE_JWT_AUDIENCE = "carnivore-weekly"
    for aud in ("authenticated", None):
        assert client.get(INTERESTS, headers=bearer(sub=str(reader.id), aud=aud)).status_code == 401
    good = bearer(sub=str(reader.id), aud="carnivore-weekly")
    assert client.get(INTERESTS, headers=good).status_code == 200


@pytest.mark.django_db
def test_the_issuer_is_checked_when_configured(client, supabase):
    """With SUPABASE_JWT_ISSUER set, a JWT from another issuer (or none) gets 401; unset, any
    issuer passes."""
    reader = f.make_user()
    other = bearer(sub=str(reader.id), iss="https://attacker.example/auth/v1")
    assert client.get(INTERESTS, headers=other).status_code == 200
    supabase.SUPABASE_JWT_ISSUER = ISSUER
    for iss in ("https://attacker.example/auth/v1", None):
        assert client.get(INTERESTS, headers=bearer(sub=str(reader.id), iss=iss)).status_code == 401
    assert client.get(INTERESTS, headers=bearer(sub=str(reader.id))).status_code == 200


@pytest.mark.django_db
def test_a_reader_never_seen_is_created_on_first_use(client, supabase):
    """A valid JWT for an unknown `sub` creates that reader (the sub as id, the email as
    username, no usable password, not staff) and is answered 200."""
    sub = uuid.uuid4()
    response = client.get(INTERESTS, headers=bearer(sub=str(sub), email="newcomer@example.com"))
    assert response.status_code == 200
    user = get_user_model().objects.get(id=sub)
    assert (user.username, user.email, user.is_staff, user.is_superuser, user.is_active) == (
        "newcomer@example.com",
        "newcomer@example.com",
        False,
        False,
        True,
    )
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_a_taken_or_missing_email_makes_the_id_the_username(client, supabase):
    """A new reader whose email is another account's username, or who has none, is named by
    their id."""
    f.make_user(username="taken@example.com")
    taken, missing = uuid.uuid4(), uuid.uuid4()
    assert (
        client.get(INTERESTS, headers=bearer(sub=str(taken), email="taken@example.com")).status_code
        == 200
    )
    assert client.get(INTERESTS, headers=bearer(sub=str(missing), email=None)).status_code == 200
    users = get_user_model().objects.filter(id__in=[taken, missing])
    assert {user.id: user.username for user in users} == {
        taken: str(taken),
        missing: str(missing),
    }


@pytest.mark.django_db
def test_the_same_sub_twice_is_one_reader(client, supabase):
    """Two requests with the same new `sub` create one reader; the second finds it."""
    sub = str(uuid.uuid4())
    for _ in range(2):
        assert client.get(INTERESTS, headers=bearer(sub=sub)).status_code == 200
    assert get_user_model().objects.filter(id=sub).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_requests_at_once_make_one_reader(client, supabase):
    """A first request that meets another one's uncommitted insert of the same reader waits for
    it, then uses that row: 200, one reader (the IntegrityError is handled)."""
    sub = uuid.uuid4()
    with psycopg.connect(
        server_conninfo(connection.settings_dict, connection.settings_dict["NAME"])
    ) as other:
        other.execute(
            "INSERT INTO carnivore_user (id, password, is_superuser, username, first_name,"
            " last_name, email, is_staff, is_active, date_joined)"
            " VALUES (%s, '!', false, %s, '', '', '', false, true, now())",
            [sub, f"first-{sub}"],
        )
        statuses = []
        request = threading.Thread(
            target=lambda: statuses.append(
                client.get(INTERESTS, headers=bearer(sub=str(sub))).status_code
            )
        )
        request.start()
        deadline = time.monotonic() + 30
        while not waiting_for_a_lock(other) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_for_a_lock(other)  # the request's insert waits for the other one
        other.commit()
        request.join(timeout=30)
    assert statuses == [200]
    assert list(get_user_model().objects.filter(id=sub).values_list("username", flat=True)) == [
        f"first-{sub}"
    ]


def waiting_for_a_lock(conn: psycopg.Connection) -> bool:
    """Whether some other backend waits for a lock held by `conn`'s backend."""
    with psycopg.connect(conn.info.dsn, autocommit=True) as probe:
        (blocked,) = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
            [conn.info.backend_pid],
        ).fetchone()
    return blocked > 0
