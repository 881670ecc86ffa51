"""Scheduled jobs: the schedules django-q2 runs, and the lock that keeps a job from overlapping.

The schedules are registered idempotently by `manage.py register_schedules` (which `up` runs):
registering again changes nothing. django-q2 is configured with `catch_up = False`, so after
downtime a missed schedule runs once, not once per missed slot.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django_q.models import Schedule

logger = logging.getLogger(__name__)


def _lock_key(name: str) -> int:
    """A stable 63-bit advisory lock key for a job name."""
    return int.from_bytes(hashlib.sha256(f"job:{name}".encode()).digest()[:8], "big") >> 1


def _lock_connection() -> psycopg.Connection:
    """A new connection to the default database, made with Django's own parameters: those in
    OPTIONS too (a socket directory or `sslmode` given in DATABASE_URL's query string)."""
    return psycopg.connect(**connections[DEFAULT_DB_ALIAS].get_connection_params())


def single_flight(name: str):
    """Run the decorated job only if no other run of `name` is in progress, else skip it.

    The lock is a transaction-level advisory lock held in a transaction of its own, on a
    connection of its own, for the whole run: it works behind PgBouncer in transaction mode
    and is released even if the worker dies.
    """

    def decorator(job):
        @functools.wraps(job)
        def run_alone(*args, **kwargs):
            with _lock_connection() as lock_connection:
                acquired = lock_connection.execute(
                    "SELECT pg_try_advisory_xact_lock(%s)", [_lock_key(name)]
                ).fetchone()[0]
                if not acquired:
                    logger.info("job %s is already running: this run is skipped", name)
                    return {"skipped": "already running"}
                return job(*args, **kwargs)

        return run_alone

    return decorator


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    schedule_type: str
    cron: str | None = None
    minutes: int | None = None
    cron_setting: str | None = None  # the setting naming the cron, read when registering

    def wanted_cron(self) -> str | None:
        """The cron expression the schedule should have now."""
        return getattr(settings, self.cron_setting) if self.cron_setting else self.cron


SCHEDULES = (
    ScheduleSpec(
        "refresh_bento_grid", "grid.tasks.refresh_bento_grid", Schedule.CRON, cron="0 * * * *"
    ),
    ScheduleSpec(
        "import_weekly",
        "trending.tasks.import_weekly",
        Schedule.CRON,
        cron_setting="WEEKLY_IMPORT_CRON",
    ),
    ScheduleSpec(
        "ensure_partitions", "engagement.tasks.ensure_partitions", Schedule.CRON, cron="15 3 * * *"
    ),
    ScheduleSpec(
        "engagement_retention",
        "engagement.tasks.engagement_retention",
        Schedule.CRON,
        cron="30 3 * * *",
    ),
    ScheduleSpec(
        "clear_expired_sessions",
        "carnivore.tasks.clear_expired_sessions",
        Schedule.CRON,
        cron="45 3 * * *",
    ),
    ScheduleSpec(
        "deliver_trending_alerts",
        "trending.tasks.deliver_trending_alerts",
        Schedule.MINUTES,
        minutes=1,
    ),
)


def _registration(spec: ScheduleSpec) -> dict:
    """The Schedule fields `spec` asks for."""
    return {
        "func": spec.func,
        "schedule_type": spec.schedule_type,
        "cron": spec.wanted_cron(),
        "minutes": spec.minutes,
        "repeats": -1,
    }


def _registered_as_wanted(schedule: Schedule, spec: ScheduleSpec) -> bool:
    return all(getattr(schedule, field) == value for field, value in _registration(spec).items())


def schedules_register() -> list[str]:
    """Create or correct the schedules; return the names of those created or changed."""
    changed = []
    for spec in SCHEDULES:
        schedule = Schedule.objects.filter(name=spec.name).first()
        if schedule is None:
            Schedule.objects.create(name=spec.name, **_registration(spec))
            changed.append(spec.name)
        elif not _registered_as_wanted(schedule, spec):
            for field, value in _registration(spec).items():
                setattr(schedule, field, value)
            schedule.save()
            changed.append(spec.name)
    return changed


def schedules_missing() -> list[str]:
    """The names of the schedules that are not registered as they should be."""
    registered = {
        s.name: s for s in Schedule.objects.filter(name__in=[spec.name for spec in SCHEDULES])
    }
    return [
        spec.name
        for spec in SCHEDULES
        if spec.name not in registered or not _registered_as_wanted(registered[spec.name], spec)
    ]
