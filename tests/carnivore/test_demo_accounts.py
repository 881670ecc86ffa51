"""The demo accounts and their published password: made by `up` on the embedded demo database
only (or with `--demo`), refused by `doctor` anywhere else, and the deploy path README gives
for another PostgreSQL ends green without them."""

from __future__ import annotations

import os

import psycopg
import pytest
from django.contrib.auth import get_user_model

from carnivore.demo import DEMO_PASSWORD, DEMO_USERNAMES, demo_accounts_ensure
from carnivore.demo_checks import DEMO_ACCOUNTS_CHECK, check_demo_password
from carnivore.doctor import doctor_checks
from tests import factories as f
from tests.conftest import manage


@pytest.mark.django_db
def test_the_embedded_database_gets_the_demo_accounts(settings):
    """On the embedded database `up`'s step makes admin, editor, auditor and a reader who is
    not staff, all with the demo password."""
    settings.DATABASE_EMBEDDED = True
    assert demo_accounts_ensure() == "Demo accounts: admin, editor, auditor, reader"
    accounts = {
        user.username: (user.is_staff, user.is_superuser, user.check_password(DEMO_PASSWORD))
        for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    }
    assert accounts == {
        "admin": (True, True, True),
        "editor": (True, False, True),
        "auditor": (True, False, True),
        "reader": (False, False, True),
    }


@pytest.mark.django_db
def test_another_database_gets_them_only_when_asked(settings):
    """With DATABASE_URL set, the step makes no account and says how to make one; `--demo`
    (demo=True) makes them all the same."""
    settings.DATABASE_EMBEDDED = False
    line = demo_accounts_ensure()
    assert line.startswith("Demo accounts skipped")
    assert "manage.py createsuperuser" in line
    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()
    demo_accounts_ensure(demo=True)
    assert get_user_model().objects.filter(username__in=DEMO_USERNAMES).count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "account",
    [
        {"username": "admin", "is_staff": True, "is_superuser": True},
        {"username": "reader"},
        {"username": "ops-lead", "is_staff": True},
    ],
    ids=["demo admin", "demo reader", "staff under another name"],
)
def test_doctor_fails_on_the_demo_password_outside_the_demo(settings, account):
    """On a database that is not the embedded demo, an active account with a demo name, or any
    active staff account, that opens with the demo password fails the check, named."""
    settings.DATABASE_EMBEDDED = False
    f.make_user(password=DEMO_PASSWORD, **account)
    result = check_demo_password()
    assert not result.ok
    assert result.detail.startswith(f"{account['username']} open with the published demo password")


@pytest.mark.django_db
def test_doctor_passes_real_passwords_and_the_demo_itself(settings):
    """Real passwords pass outside the demo, and so does a plain reader who happens to use the
    demo password (not tried: not staff, not a demo name), or a deactivated demo account; on the
    embedded database the demo accounts pass."""
    settings.DATABASE_EMBEDDED = False
    f.make_user(username="admin", password="a-real-long-password", is_staff=True, is_superuser=True)
    f.make_user(username="someone", password=DEMO_PASSWORD)
    f.make_user(username="editor", password=DEMO_PASSWORD, is_staff=True, is_active=False)
    result = check_demo_password()
    assert (result.ok, result.detail) == (
        True,
        "none of the 1 staff and demo-named accounts opens with the demo password",
    )
    settings.DATABASE_EMBEDDED = True
    demo_accounts_ensure()
    assert check_demo_password().ok
    assert {r.name: r.ok for r in doctor_checks()}[DEMO_ACCOUNTS_CHECK] is True


@pytest.mark.django_db
@pytest.mark.slow
def test_the_readme_deploy_path_ends_green_on_a_fresh_database(scratch_database):
    """README's path for another PostgreSQL (migrate, createsuperuser, register_schedules, a
    first refresh_bento_grid, doctor) ends with every check passing, before any content."""
    env = {
        **os.environ,
        "DATABASE_URL": scratch_database,
        "DJANGO_SUPERUSER_USERNAME": "ops",
        "DJANGO_SUPERUSER_EMAIL": "ops@example.com",
        "DJANGO_SUPERUSER_PASSWORD": "a-real-long-password-for-ops",
    }
    for command in (
        ["migrate", "--no-input"],
        ["createsuperuser", "--no-input"],
        ["register_schedules"],
        ["refresh_bento_grid"],
    ):
        manage(*command, env=env)
    doctor = manage("doctor", env=env, check=False)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "empty: no content yet" in doctor.stdout

    # The same database with the demo's accounts: doctor fails, naming them.
    with psycopg.connect(scratch_database.replace("postgres://", "postgresql://", 1)) as conn:
        assert conn.execute("SELECT count(*) FROM carnivore_user").fetchone() == (1,)
    manage(
        "shell", "-c", "from carnivore.demo import demo_accounts_ensure as d; d(demo=True)", env=env
    )
    doctor = manage("doctor", env=env, check=False)
    assert doctor.returncode == 1
    assert "admin, auditor, editor, reader open with the published demo password" in doctor.stdout
