"""Deployment verification (`manage.py doctor`): is this database what the application needs?

Each check inspects one aspect and returns a `CheckResult` (ok or not, and a sentence saying
what it found; a passing check may carry a warning saying what the setup costs); none changes
anything. This module owns the framework: `doctor_check` registers a check, `doctor_checks()`
runs them all, each in its own transaction, so that one broken part cannot hide another; and the
lists of tables the checks look at. The checks themselves live with what they check, each app's
in its `checks.py`, imported by its AppConfig's `ready()`: carnivore/checks.py (the database's
security and the base layer), audit/checks.py, engagement/checks.py, grid/checks.py,
trending/checks.py; so that this module names no app.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pgtrigger
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.migrations.recorder import MigrationRecorder

from carnivore.db_context import APPLICATION_APPS
from carnivore.triggers import AppendOnly


@dataclass(frozen=True)
class CheckResult:
    """What one check found: `ok`, and a sentence for the operator."""

    name: str
    ok: bool
    detail: str
    warning: bool = False  # passed, but the operator should know what it costs

    @classmethod
    def of(cls, name: str, problems: list[str], healthy: str) -> CheckResult:
        """Return a failure listing `problems`, or a pass saying `healthy` when there is none."""
        return cls(name, not problems, "; ".join(problems) if problems else healthy)


@dataclass
class DoctorCheck:
    """A registered check: its name in the report, its place in the run, and its function."""

    name: str
    order: int
    run: Callable[..., CheckResult]


# name -> check. The report lists carnivore's checks of the database itself first (orders 10 to
# 50), then the apps' checks of their data (60 to 80), then the job schedules (90).
registry: dict[str, DoctorCheck] = {}


def doctor_check(name: str, *, order: int) -> Callable[[Callable], Callable]:
    """Register the decorated function as the check `name` of `manage.py doctor`.

    The function takes no argument but keyword options with defaults (see `doctor_checks`) and
    returns a `CheckResult`; registering a name again replaces the check.

    Args:
        name: the check's name in the report.
        order: where the check runs and is reported: lower first.
    """

    def register(run: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        registry[name] = DoctorCheck(name, order, run)
        return run

    return register


def registered_checks() -> list[DoctorCheck]:
    """Return the registered checks in the order they run."""
    return sorted(registry.values(), key=lambda check: check.order)


def _tables_of(models) -> list[str]:
    return sorted(
        {model._meta.db_table for model in models if model._meta.managed and not model._meta.proxy}
    )


def application_tables() -> list[str]:
    """Return the tables of the application's apps (partitions aside: they have no model)."""
    return _tables_of(
        model
        for app in APPLICATION_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    )


def framework_tables() -> list[str]:
    """Return Django's own tables (users, groups, tokens, admin log, jobs, migrations).

    Content types are left out: the admin looks them up under a request's role, so
    carnivore/sql/framework_table_privileges.sql grants SELECT on them; they are public metadata.
    """
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in APPLICATION_APPS and model is not ContentType
    ]
    return sorted({*_tables_of(models), MigrationRecorder.Migration._meta.db_table})


def append_only_tables() -> list[str]:
    """Return the tables whose model declares the `AppendOnly` trigger (audit_log)."""
    return sorted(
        {
            model._meta.db_table
            for model, trigger in pgtrigger.registered()
            if isinstance(trigger, AppendOnly)
        }
    )


def doctor_checks(**options: object) -> list[CheckResult]:
    """Run every registered check in order, each in a transaction of its own; a check that
    errors fails, with the error as its detail.

    Args:
        **options: settings of particular checks (grid's `grid_max_age`), each given to the
            checks whose function takes a keyword of that name.

    Raises:
        TypeError: an option that no registered check takes.
    """
    checks = registered_checks()
    taken = {
        check.name: inspect.signature(check.run).parameters.keys() & options.keys()
        for check in checks
    }
    unknown = options.keys() - set().union(*taken.values())
    if unknown:
        raise TypeError(f"no doctor check takes {', '.join(sorted(unknown))}")
    results = []
    for check in checks:
        try:
            with transaction.atomic():
                results.append(check.run(**{name: options[name] for name in taken[check.name]}))
        except Exception as error:  # one broken check must not hide the others
            results.append(CheckResult(check.name, False, f"could not check: {error!r}"))
    return results
