"""POST /api/auth/token/: a reader's username and password for their DRF token; staff get none
there; failures count towards the sign-in lockout the admin's form shares."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from carnivore.apis import STAFF_REFUSED
from carnivore.demo import DEMO_PASSWORD, demo_accounts_ensure
from tests import factories as f

TOKEN = "/api/auth/token/"
PASSWORD = "a-long-password-1"


def ask(client, username: str, password: str):
    return client.post(
        TOKEN, {"username": username, "password": password}, content_type="application/json"
    )


@pytest.mark.django_db
def test_a_reader_gets_a_token_that_signs_them_in(client):
    """The right password gets 200 and a token; the token then authenticates the reader, and
    asking again answers the same token."""
    reader = f.make_user(username="rita", password=PASSWORD)
    response = ask(client, "rita", PASSWORD)
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=reader).key == key
    me = Client().get("/api/me/interests/", headers={"Authorization": f"Token {key}"})
    assert me.status_code == 200
    assert ask(client, "rita", PASSWORD).json() == {"token": key}


@pytest.mark.django_db
def test_the_demo_reader_gets_a_token(client, settings):
    """On the embedded demo, `reader` with the demo password gets a token (README's recipe)."""
    settings.DATABASE_EMBEDDED = True
    demo_accounts_ensure()
    response = ask(client, "reader", DEMO_PASSWORD)
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "password", "active"),
    [
        ("rita", "wrong password", True),
        ("nobody", PASSWORD, True),
        ("rita", PASSWORD, False),
    ],
    ids=["wrong password", "unknown user", "inactive account"],
)
def test_bad_credentials_get_401_and_no_token(client, username, password, active):
    """A wrong password, an unknown username or an inactive account get 401, and no token."""
    f.make_user(username="rita", password=PASSWORD, is_active=active)
    response = ask(client, username, password)
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong username or password."}
    assert not Token.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "staff",
    [{"is_staff": True, "is_superuser": True}, {"is_staff": True}],
    ids=["superuser", "editor"],
)
def test_staff_get_no_token_by_password(client, staff):
    """A staff account's right password gets 403 saying where staff tokens come from, and no
    token."""
    f.make_user(username="boss", password=PASSWORD, **staff)
    response = ask(client, "boss", PASSWORD)
    assert response.status_code == 403
    assert response.json() == {"detail": STAFF_REFUSED}
    assert not Token.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "rita"}, "password"),
        ({"password": PASSWORD}, "username"),
        ({"username": "rita", "password": PASSWORD, "is_staff": True}, "is_staff"),
    ],
    ids=["no password", "no username", "unknown field"],
)
def test_bad_input_gets_400_naming_the_field(client, body, field):
    """A missing or unknown field gets 400 naming it."""
    f.make_user(username="rita", password=PASSWORD)
    response = client.post(TOKEN, body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.django_db(transaction=True)
def test_failures_lock_out_token_requests_like_sign_ins():
    """LOGIN_FAILURE_LIMIT wrong passwords: 401 each, 429 at the last, and then the right
    password gets 429 too, as JSON with Retry-After; the admin's form is locked out as well."""
    f.make_user(username="rita", password=PASSWORD)
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [ask(Client(), "rita", "wrong").status_code for _ in range(limit)]
    assert statuses == [401] * (limit - 1) + [429]
    locked = ask(Client(), "rita", PASSWORD)
    assert locked.status_code == 429
    assert locked.json() == {"detail": "Too many failed sign-ins: try again later."}
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert not Token.objects.exists()
    admin = Client().post("/admin/login/", {"username": "rita", "password": PASSWORD})
    assert admin.status_code == 429
