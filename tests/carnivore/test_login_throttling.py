"""Admin sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT failures the account and the
client address are locked out, the address being the one the API's throttles use."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests import factories as f

PASSWORD = "a-long-password-1"
ATTACKED, BYSTANDER = "eddie", "audrey"
ATTACKER_ADDRESS, OTHER_ADDRESS = "203.0.113.7", "198.51.100.23"

# Each request commits its own transaction, as in production (the attempts are written inside it).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def behind_one_proxy(settings):
    """TRUSTED_PROXIES=1: the client is the address the proxy appended to X-Forwarded-For."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.fixture
def staff(transactional_db):
    f.make_user(username=ATTACKED, password=PASSWORD, is_staff=True, is_superuser=True)
    f.make_user(username=BYSTANDER, password=PASSWORD, is_staff=True, is_superuser=True)


def sign_in(username: str, password: str, *, forwarded_for: str | None = None) -> int:
    """POST the admin's sign-in form from a fresh browser; return the status."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = Client().post(
        "/admin/login/", {"username": username, "password": password}, headers=headers
    )
    return response.status_code


def fail_until_locked_out(username: str, *, forwarded_for=lambda attempt: None) -> None:
    """LOGIN_FAILURE_LIMIT wrong passwords: the form again each time, a 429 at the last."""
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        sign_in(username, "wrong password", forwarded_for=forwarded_for(attempt))
        for attempt in range(limit)
    ]
    assert statuses == [200] * (limit - 1) + [429]


@pytest.mark.parametrize(
    ("username", "address", "status"),
    [
        pytest.param(ATTACKED, ATTACKER_ADDRESS, 429, id="same account, same address"),
        pytest.param(ATTACKED, OTHER_ADDRESS, 429, id="same account, another address"),
        pytest.param(BYSTANDER, ATTACKER_ADDRESS, 429, id="another account, same address"),
        pytest.param(BYSTANDER, OTHER_ADDRESS, 302, id="another account, another address"),
    ],
)
def test_failures_lock_out_the_account_and_the_address(
    staff, behind_one_proxy, username, address, status
):
    """The attempt after the limit is refused (429), right password or not, for the attacked
    account from anywhere and for anyone from the attacker's address; another account from
    another address still signs in (302). Behind one proxy only the address it appended counts:
    the attacker's own X-Forwarded-For entries change nothing."""
    fail_until_locked_out(
        ATTACKED, forwarded_for=lambda attempt: f"10.9.8.{attempt}, {ATTACKER_ADDRESS}"
    )

    assert sign_in(username, PASSWORD, forwarded_for=f"10.9.9.9, {address}") == status


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(staff):
    """TRUSTED_PROXIES=0: the socket's address counts, so new X-Forwarded-For values do not
    escape the address's lockout."""
    fail_until_locked_out(ATTACKED, forwarded_for=lambda attempt: f"192.0.2.{attempt}")

    assert sign_in(BYSTANDER, PASSWORD, forwarded_for="192.0.2.200") == 429


def test_a_successful_sign_in_clears_the_failures_before_it(staff):
    """A staff member who mistyped, then signed in, starts again from zero failures."""
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(ATTACKED, "typo") == 200
    assert sign_in(ATTACKED, PASSWORD) == 302

    for _ in range(limit - 1):
        assert sign_in(ATTACKED, "typo") == 200
    assert sign_in(ATTACKED, PASSWORD) == 302


def test_superusers_see_the_attempts_in_the_admin_and_editors_do_not(staff, staff_groups):
    """The attempts' page works under the role switch for superusers; editors get 403."""
    fail_until_locked_out(ATTACKED)
    boss = Client()
    boss.force_login(f.make_user(username="boss", is_staff=True, is_superuser=True))
    editor = Client()
    editor.force_login(f.make_editor(username="ed", is_staff=True))

    response = boss.get("/admin/axes/accessattempt/")

    assert response.status_code == 200
    assert ATTACKED in response.content.decode()
    assert editor.get("/admin/axes/accessattempt/").status_code == 403
