"""Staff sessions are server-side: a cookie copied before signing out or changing the password
stops working, and no API role can read the session table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone
from psycopg import errors

from carnivore.db_context import ANON, AUTHENTICATED, SERVICE_ROLE, Identity, run_as
from carnivore.tasks import clear_expired_sessions
from tests import factories as f

PASSWORD = "a-long-password-1"
NEW_PASSWORD = "another-long-password-2"
STAFF_PAGE = "/admin/grid/bentogriditem/"


@pytest.fixture
def editor(db, staff_groups):
    return f.make_editor(username="eddie", password=PASSWORD, is_staff=True)


def signed_in(username: str = "eddie", password: str = PASSWORD) -> Client:
    """A browser that signed in on the admin's form."""
    client = Client()
    response = client.post("/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302
    return client


def copy_of(client: Client) -> Client:
    """Another browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return thief


def sends_to_login(client: Client) -> bool:
    response = client.get(STAFF_PAGE)
    if response.status_code == 200:
        return False
    assert response.status_code == 302
    return response.headers["Location"] == f"/admin/login/?next={STAFF_PAGE}"


# Transactional: each request commits its own transaction and the session is saved after it,
# as in production.
@pytest.mark.django_db(transaction=True)
def test_a_cookie_copied_before_sign_out_is_refused_after_it(editor):
    """Signing out deletes the session row: the copied cookie is sent to the login page."""
    browser = signed_in()
    thief = copy_of(browser)
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert not sends_to_login(thief)  # the copy works while the session lives

    assert browser.post("/admin/logout/").status_code == 200

    assert not Session.objects.filter(session_key=session_key).exists()
    assert sends_to_login(thief)


@pytest.mark.django_db(transaction=True)
def test_a_password_change_ends_every_other_session_and_the_old_cookie(editor):
    """After a password change the changer stays signed in under a new session key; the old
    key and the user's other sessions are sent to the login page."""
    browser = signed_in()
    other_device = signed_in()
    thief = copy_of(browser)
    old_key = browser.cookies[settings.SESSION_COOKIE_NAME].value

    response = browser.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/password_change/done/"
    assert browser.cookies[settings.SESSION_COOKIE_NAME].value != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert not sends_to_login(browser)
    assert sends_to_login(thief)
    assert sends_to_login(other_device)
    assert signed_in(password=NEW_PASSWORD)


@pytest.mark.parametrize("role", [ANON, AUTHENTICATED, SERVICE_ROLE])
def test_no_api_role_may_read_the_session_table(db, role):
    """django_session holds credentials: every request role is refused outright."""
    with (
        pytest.raises(DatabaseError) as refused,
        run_as(Identity(role)),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT session_key FROM django_session")
    assert isinstance(refused.value.__cause__, errors.InsufficientPrivilege)


def test_the_daily_job_deletes_expired_sessions_only(db):
    """clear_expired_sessions removes the rows past their expiry and keeps the live ones."""
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(1))

    assert clear_expired_sessions() == {"deleted": 1}

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
