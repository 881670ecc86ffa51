"""The demo that `manage.py up` sets up: the demo accounts, the job schedules, and the steps the
apps register.

`up` migrates, then runs every registered step in order and prints the line each returns.
Carnivore's own steps are here; each app registers its own in its `demo.py`, imported by its
AppConfig's `ready()` (engagement/demo.py: the partitions; trending/demo.py: the sample week;
grid/demo.py: the grid refresh), so that `up` names no app. Every step is idempotent, so `up`
can be run again at any time.

The demo accounts share a published password, so they are made only on the embedded demo
database (DATABASE_URL unset), or when the operator asks with `up --demo`; `doctor` fails when
an account with that password exists on any other database (carnivore/demo_checks.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from carnivore.jobs import schedules_register
from carnivore.staff_groups import AUDITORS_GROUP, EDITORS_GROUP

DEMO_PASSWORD = "carnivore-demo"  # noqa: S105 - published: demo accounts on the demo database only


@dataclass(frozen=True)
class DemoAccount:
    """An account `up` creates on the demo database, with DEMO_PASSWORD."""

    username: str
    superuser: bool = False
    group: str | None = None

    @property
    def staff(self) -> bool:
        """Whether the account may use the admin (everyone but the reader)."""
        return self.superuser or self.group is not None


DEMO_ACCOUNTS = (
    DemoAccount("admin", superuser=True),
    DemoAccount("editor", group=EDITORS_GROUP),
    DemoAccount("auditor", group=AUDITORS_GROUP),
    DemoAccount("reader"),  # signs in to the API: POST /api/auth/token/
)
DEMO_USERNAMES = tuple(account.username for account in DEMO_ACCOUNTS)


@dataclass(frozen=True)
class DemoStep:
    """A registered step: its place in the run, and its function (which returns the line
    `up` prints)."""

    order: int
    run: Callable[..., str]


# "module.function" -> step. The partitions come first (10), then the accounts (20), the sample
# week (30), the grid refresh that ranks it (40), and the job schedules (50).
registry: dict[str, DemoStep] = {}


def demo_step(*, order: int) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Register the decorated function as a step of `manage.py up`.

    The function takes no argument but keyword options with defaults (see `demo_steps_run`),
    does its work idempotently and returns the line `up` prints.

    Args:
        order: where the step runs: lower first.
    """

    def register(run: Callable[..., str]) -> Callable[..., str]:
        registry[f"{run.__module__}.{run.__qualname__}"] = DemoStep(order, run)
        return run

    return register


def demo_steps() -> list[Callable[..., str]]:
    """Return the registered steps' functions in the order they run."""
    return [step.run for step in sorted(registry.values(), key=lambda step: step.order)]


def demo_steps_run(**options: object) -> Iterator[str]:
    """Run the registered steps in order, yielding the line each returns.

    Args:
        **options: `up`'s options (`demo`), each given to the steps whose function takes a
            keyword of that name.
    """
    for run in demo_steps():
        taken = inspect.signature(run).parameters.keys() & options.keys()
        yield run(**{name: options[name] for name in taken})


def demo_accounts_wanted(*, demo: bool = False) -> bool:
    """Whether `up` creates the demo accounts: on the embedded demo database, or when asked
    (`up --demo`)."""
    return settings.DATABASE_EMBEDDED or demo


def demo_account_ensure(username: str):
    """Create a demo account (one of DEMO_ACCOUNTS) unless it exists; never reset a password
    someone changed. Return the user."""
    account = next(account for account in DEMO_ACCOUNTS if account.username == username)
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@example.com",
            "is_staff": account.staff,
            "is_superuser": account.superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if account.group:
        user.groups.add(Group.objects.get_or_create(name=account.group)[0])
    return user


@demo_step(order=20)
def demo_accounts_ensure(*, demo: bool = False) -> str:
    """Create the demo accounts that are missing (an admin, an editor, an auditor and a
    reader), on the demo database only (`demo_accounts_wanted`)."""
    if not demo_accounts_wanted(demo=demo):
        return (
            "Demo accounts skipped: DATABASE_URL names a database that is not the embedded demo;"
            " create your own: manage.py createsuperuser (or up --demo for the demo's accounts"
            " and their published password)"
        )
    for username in DEMO_USERNAMES:
        demo_account_ensure(username)
    return f"Demo accounts: {', '.join(DEMO_USERNAMES)}"


@demo_step(order=50)
def demo_schedules_register() -> str:
    """Register the job schedules."""
    schedules_register()
    return "Job schedules registered (hourly refresh, weekly import, partitions, sessions, alerts)"
