"""The demo that `manage.py up` sets up: the demo accounts, the job schedules, and the steps the
apps register.

`up` migrates, then runs every registered step in order and prints the line each returns.
Carnivore's own steps are here; each app registers its own in its `demo.py`, imported by its
AppConfig's `ready()` (engagement/demo.py: the partitions; trending/demo.py: the sample week;
grid/demo.py: the grid refresh), so that `up` names no app. Every step is idempotent, so `up`
can be run again at any time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from carnivore.jobs import schedules_register
from carnivore.staff_groups import AUDITORS_GROUP, EDITORS_GROUP

DEMO_PASSWORD = "carnivore-demo"  # noqa: S105 - local demo only: `up` listens on 127.0.0.1
DEMO_ACCOUNTS = (  # username, superuser, group
    ("admin", True, None),
    ("editor", False, EDITORS_GROUP),
    ("auditor", False, AUDITORS_GROUP),
)


@dataclass(frozen=True)
class DemoStep:
    """A registered step: its place in the run, and its function (which returns the line
    `up` prints)."""

    order: int
    run: Callable[[], str]


# "module.function" -> step. The partitions come first (10), then the accounts (20), the sample
# week (30), the grid refresh that ranks it (40), and the job schedules (50).
registry: dict[str, DemoStep] = {}


def demo_step(*, order: int) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Register the decorated function as a step of `manage.py up`.

    The function takes no argument, does its work idempotently and returns the line `up` prints.

    Args:
        order: where the step runs: lower first.
    """

    def register(run: Callable[[], str]) -> Callable[[], str]:
        registry[f"{run.__module__}.{run.__qualname__}"] = DemoStep(order, run)
        return run

    return register


def demo_steps() -> list[Callable[[], str]]:
    """Return the registered steps' functions in the order they run."""
    return [step.run for step in sorted(registry.values(), key=lambda step: step.order)]


def demo_account_ensure(username: str):
    """Create a demo account (one of DEMO_ACCOUNTS) unless it exists; never reset a password
    someone changed. Return the user."""
    superuser, group = next((s, g) for name, s, g in DEMO_ACCOUNTS if name == username)
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@example.com",
            "is_staff": True,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@demo_step(order=20)
def demo_accounts_ensure() -> str:
    """Create the demo accounts that are missing: an admin, an editor and an auditor."""
    for username, _, _ in DEMO_ACCOUNTS:
        demo_account_ensure(username)
    return "Demo accounts: admin, editor, auditor"


@demo_step(order=50)
def demo_schedules_register() -> str:
    """Register the job schedules."""
    schedules_register()
    return "Job schedules registered (hourly refresh, weekly import, partitions, sessions, alerts)"
