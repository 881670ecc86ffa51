"""carnivore's check of the demo accounts for `manage.py doctor` (imported by
CarnivoreConfig.ready()): outside the embedded demo database, no account opens with the
published demo password.

`up` creates the demo accounts only on the embedded database or when asked (`up --demo`); this
check catches the accounts that reach a real database anyway (an `up --demo`, a copied demo
database, a password set by hand). Hashing is slow on purpose, so only the accounts worth
taking over are tried: the active ones named like the demo's, and active staff.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db.models import Q

from carnivore.demo import DEMO_PASSWORD, DEMO_USERNAMES
from carnivore.doctor import CheckResult, doctor_check

DEMO_ACCOUNTS_CHECK = "demo accounts"


def accounts_with_the_demo_password() -> tuple[list[str], int]:
    """Return the usernames of the accounts tried that DEMO_PASSWORD opens, and how many were
    tried (active accounts with a demo username, and active staff)."""
    tried = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(username__in=DEMO_USERNAMES) | Q(is_staff=True) | Q(is_superuser=True))
        .order_by("username")
        .values_list("username", "password")
    )
    opened = [name for name, encoded in tried if check_password(DEMO_PASSWORD, encoded)]
    return opened, len(tried)


@doctor_check(DEMO_ACCOUNTS_CHECK, order=35)
def check_demo_password() -> CheckResult:
    """Check that no account opens with the demo password, unless this is the embedded demo."""
    opened, tried = accounts_with_the_demo_password()
    if settings.DATABASE_EMBEDDED:
        return CheckResult(
            DEMO_ACCOUNTS_CHECK,
            True,
            f"the embedded demo database: {len(opened)} demo accounts, as `up` made them",
        )
    return CheckResult.of(
        DEMO_ACCOUNTS_CHECK,
        [
            f"{', '.join(opened)} open with the published demo password on a database that is"
            " not the embedded demo: set real passwords (manage.py changepassword NAME) or"
            " deactivate them"
        ]
        if opened
        else [],
        f"none of the {tried} staff and demo-named accounts opens with the demo password",
    )
