"""Data lifecycle: retire the months of engagement events older than the retention setting.

`ENGAGEMENT_RETENTION_MONTHS` (unset: every event is kept) is how many whole months of events
are kept before the current one. Each older month of content_engagement is, in turn:

1. **detached** from content_engagement, one month per transaction, by the SQL function
   `engagement_partition_detach` (engagement/sql/engagement_partition_detach.sql; it and
   `engagement_partition_drop` run as the connecting role, the owner or a login role holding
   carnivore_runtime: no API role may retire events), which also
   records from when the raw events are held, so that every figure still equals a recount
   (`verify_scores`), and audits the retirement. A month whose events the rollup has not all
   counted yet is refused. The DETACH holds content_engagement for a moment only, under a
   `lock_timeout`, retried a few times: writers never queue for long behind it.
2. **archived**, when `ENGAGEMENT_ARCHIVE_DIR` is set: `pg_dump --format=custom` of the detached
   table into `<ENGAGEMENT_ARCHIVE_DIR>/<partition>.dump` (a file already there is never
   replaced: the new one gets the time in its name), through a temporary file renamed into place
   only when pg_dump succeeded, owner-readable only, then checked with `pg_restore --list`. The
   dump reads the table as the schema's owner (DATABASE_OWNER_URL when set, else DATABASE_URL).
3. **dropped** (`engagement_partition_drop`, audited), only once its archive is written and
   checked, or unarchived when `ENGAGEMENT_RETENTION_DROP` is true.

Month by month, oldest first. The hourly rollups, the readers' votes in them, the grid items'
figures and the audit log are kept. A failed archive drops nothing and stops the run: that
month stays detached (its events out of content_engagement, still in the database), `doctor`
names it, and the next run archives it first. Running twice is safe: a second run finds
nothing to do.

The daily job `engagement_retention` (engagement/tasks.py) and `manage.py engagement_retention
[--dry-run]` run `engagement_retention_run`.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg import errors

from carnivore.backups import BackupError, archive_entries, table_dump
from carnivore.db_context import SERVICE, run_as
from carnivore.db_owner import as_owner

logger = logging.getLogger(__name__)

EVENTS_TABLE = "content_engagement"
# How long a DETACH may wait for content_engagement (writers queue behind it meanwhile), and
# how often it is tried before the run gives up for the day.
LOCK_TIMEOUT = "2s"
LOCK_ATTEMPTS = 5
LOCK_RETRY_PAUSE = 3.0  # seconds, times the attempt's number
# The one retry that waits for the rollup: a month whose newest events it has not counted yet.
UNCOUNTED_RETRY_PAUSE = 5.0


class RetentionError(Exception):
    """A retention run stopped; the message names the month (and the file) and says why.
    What was done before it stays done (`report`, when the run had begun); nothing was dropped
    without its archive."""

    def __init__(self, message: str, report: RetentionReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class RetentionPolicy:
    """What the settings ask for."""

    keep_months: int | None  # None: keep every event
    archive_dir: Path | None  # None: drop unarchived (only with ENGAGEMENT_RETENTION_DROP)

    def describe(self) -> str:
        if self.keep_months is None:
            return "keeps every event (ENGAGEMENT_RETENTION_MONTHS unset)"
        months = "month" if self.keep_months == 1 else "months"
        fate = (
            f"archived into {self.archive_dir}, then dropped"
            if self.archive_dir
            else "dropped unarchived (ENGAGEMENT_RETENTION_DROP)"
        )
        return f"keeps {self.keep_months} {months} before this one; older months {fate}"


@dataclass(frozen=True)
class RetiredMonth:
    """One month of events: due (a dry run), detached, archived and dropped."""

    partition: str
    events: int | None = None  # None: not counted (a month detached by an earlier run)
    archive: Path | None = None
    dropped: bool = False


@dataclass
class RetentionReport:
    """What a run did (or, dry, would do)."""

    policy: RetentionPolicy
    keep_from: datetime | None
    dry_run: bool
    months: list[RetiredMonth] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report, one sentence per month, for the command and the job's result."""
        if self.keep_from is None:
            return [f"Engagement retention {self.policy.describe()}: nothing to do"]
        head = (
            f"Engagement retention {self.policy.describe()}: events are kept from"
            f" {self.keep_from:%Y-%m-%d}"
        )
        if not self.months:
            return [f"{head}; no older month is held: nothing to do"]
        verb = "would retire" if self.dry_run else "retired"
        lines = [f"{head}; {verb} {len(self.months)}:"]
        for month in self.months:
            events = f"{month.events:,} events" if month.events is not None else "detached before"
            if self.dry_run:
                fate = f"archive to {month.archive}" if month.archive else "drop unarchived"
                lines.append(f"  {month.partition} ({events}): would detach, {fate}")
            else:
                fate = f"archived to {month.archive}" if month.archive else "dropped unarchived"
                lines.append(f"  {month.partition} ({events}): detached, {fate}, dropped")
        return lines


def retention_policy() -> RetentionPolicy:
    """Read the retention settings (carnivore/settings.py validates them at start-up too).

    Raises:
        RetentionError: the settings contradict each other, or ask to retire months without
            saying whether to archive them.
    """
    months = settings.ENGAGEMENT_RETENTION_MONTHS
    archive_dir = settings.ENGAGEMENT_ARCHIVE_DIR
    drop = settings.ENGAGEMENT_RETENTION_DROP
    if months is not None and months < 1:
        raise RetentionError(f"ENGAGEMENT_RETENTION_MONTHS={months}: keep at least 1 month")
    if months is not None and bool(archive_dir) == bool(drop):
        raise RetentionError(
            "set either ENGAGEMENT_ARCHIVE_DIR (archive retired months, then drop them) or"
            " ENGAGEMENT_RETENTION_DROP=true (drop them unarchived), not both or neither"
        )
    return RetentionPolicy(months, Path(archive_dir).absolute() if archive_dir else None)


def retention_keep_from(keep_months: int, now: datetime | None = None) -> datetime:
    """The first day (UTC) of the oldest month kept: `keep_months` before the current one."""
    now = (now or timezone.now()).astimezone(UTC)
    index = now.year * 12 + now.month - 1 - keep_months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DueMonth:
    partition: str
    month_start: datetime
    in_default: bool  # its events sit in the DEFAULT partition, which gives them up first


def retention_due(keep_from: datetime) -> list[DueMonth]:
    """The months to retire when keeping the events from `keep_from`, oldest first
    (engagement/sql/engagement_retention_due.sql)."""
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM engagement_retention_due(%s)", [keep_from])
        return [DueMonth(*row) for row in cursor.fetchall()]


def retention_detached() -> list[str]:
    """The months detached by retention and not yet dropped (their archive failed, or the run
    stopped), oldest first: tables named as monthly partitions, no longer partitions, that
    engagement_partition_detach marked retired in their comment."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
            "   AND NOT c.relispartition"
            "   AND c.relname ~ '^content_engagement_[0-9]{4}_[0-9]{2}$'"
            "   AND obj_description(c.oid, 'pg_class') LIKE 'retired:%%'"
            " ORDER BY c.relname"
        )
        return [name for (name,) in cursor.fetchall()]


def engagement_retention_run(*, dry_run: bool = False) -> RetentionReport:
    """Retire the months older than the retention setting (see the module docstring).

    Raises:
        RetentionError: the settings are contradictory, the archive folder is missing or not
            writable (checked before anything is detached), a month could not be detached (its
            events not all counted yet, or content_engagement busy for too long), or its archive
            failed (it stays detached, and nothing is dropped).
    """
    policy = retention_policy()
    report = RetentionReport(policy, keep_from=None, dry_run=dry_run)
    if policy.keep_months is None:
        return report
    report.keep_from = retention_keep_from(policy.keep_months)
    if policy.archive_dir:
        _check_archive_dir(policy.archive_dir)
    due = retention_due(report.keep_from)
    if dry_run:
        report.months += [
            RetiredMonth(name, archive=_archive_path(policy.archive_dir, name))
            for name in retention_detached()
        ]
        for month in due:
            archive = _archive_path(policy.archive_dir, month.partition)
            report.months.append(
                RetiredMonth(month.partition, _events_of(month.month_start), archive)
            )
        return report
    try:
        # First what an earlier run detached but could not archive (a month of late events in
        # DEFAULT could not get its partition while a table of that name is left).
        for name in retention_detached():
            report.months.append(_archive_and_drop(name, None, policy.archive_dir))
        # Then month by month, so that a failing archive leaves one month detached, no more.
        for month in due:
            events = _detach(month.partition, report.keep_from)
            if events is not None:
                logger.info(
                    "engagement retention: detached %s (%s events)", month.partition, events
                )
                report.months.append(_archive_and_drop(month.partition, events, policy.archive_dir))
    except RetentionError as error:
        error.report = report
        raise
    return report


def _archive_and_drop(partition: str, events: int | None, folder: Path | None) -> RetiredMonth:
    archive = _archive(partition, folder) if folder else None
    _drop(partition, archive)
    return RetiredMonth(partition, events, archive, dropped=True)


def retention_archive_dir_problem(folder: Path) -> str | None:
    """What keeps archives from being written into `folder`, if anything."""
    if not folder.is_dir():
        return f"ENGAGEMENT_ARCHIVE_DIR: there is no folder {folder}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"ENGAGEMENT_ARCHIVE_DIR: {folder} is not writable"
    return None


def _check_archive_dir(folder: Path) -> None:
    if problem := retention_archive_dir_problem(folder):
        raise RetentionError(f"{problem}: nothing was retired")


def _archive_path(folder: Path | None, partition: str) -> Path | None:
    """Where `partition` is archived: `<partition>.dump`, or, when a file has that name
    already (an archive is never replaced), `<partition>.<UTC time>.dump`."""
    if folder is None:
        return None
    path = folder / f"{partition}.dump"
    if path.exists():
        path = folder / f"{partition}.{timezone.now().astimezone(UTC):%Y%m%dT%H%M%SZ}.dump"
    return path


def _events_of(month_start: datetime) -> int:
    """Count the events of a month through content_engagement (partition pruning reads only
    the month's partition, or DEFAULT), as the service role."""
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM content_engagement"
            " WHERE created_at >= %s AND created_at < %s::timestamptz + interval '1 month'",
            [month_start, month_start],
        )
        return cursor.fetchone()[0]


def _detach(partition: str, keep_from: datetime) -> int | None:
    """Detach one month (engagement_partition_detach), trying again while content_engagement
    is busy; return its events, None when it is not due any more."""
    waited_for_rollup = False
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
                cursor.execute("SELECT engagement_partition_detach(%s, %s)", [partition, keep_from])
                return cursor.fetchone()[0]
        except DatabaseError as error:
            cause = error.__cause__
            if isinstance(cause, errors.LockNotAvailable | errors.DeadlockDetected):
                if attempt == LOCK_ATTEMPTS:
                    raise RetentionError(
                        f"{partition} was not detached: content_engagement stayed busy (each of"
                        f" {LOCK_ATTEMPTS} tries waited {LOCK_TIMEOUT} for its readers and"
                        " writers); nothing changed, the next run tries again"
                    ) from None
                time.sleep(LOCK_RETRY_PAUSE * attempt)
                continue
            if isinstance(cause, errors.ObjectNotInPrerequisiteState) and not waited_for_rollup:
                waited_for_rollup = True
                time.sleep(UNCOUNTED_RETRY_PAUSE)
                continue
            raise RetentionError(f"{partition} was not detached: {_message(error)}") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _archive(partition: str, folder: Path) -> Path:
    """Dump the detached `partition` into `folder` and check the archive; return its path."""
    path = _archive_path(folder, partition)
    table = f"public.{partition}"
    try:
        with as_owner():  # the detached table is readable by its owner only
            table_dump(path=path, table=table)
            entries = archive_entries(path)
    except BackupError as error:
        raise RetentionError(
            f"{partition} was not archived to {path}, so it was not dropped (it stays detached"
            f" and the next run archives it again): {error}"
        ) from None
    if not any(f" TABLE DATA public {partition} " in f"{entry} " for entry in entries):
        raise RetentionError(
            f"{partition} was not archived to {path}, so it was not dropped: the archive holds"
            " no data for the table (pg_restore --list)"
        )
    logger.info("engagement retention: archived %s to %s", partition, path)
    return path


def _drop(partition: str, archive: Path | None) -> None:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT engagement_partition_drop(%s, %s)",
                [partition, str(archive) if archive else None],
            )
    except DatabaseError as error:
        raise RetentionError(f"{partition} was not dropped: {_message(error)}") from None
    # A warning, so that the default LOG_LEVEL keeps a line of every month that leaves (the
    # audit log keeps one too).
    logger.warning(
        "engagement retention: dropped %s (%s)",
        partition,
        f"archived to {archive}" if archive else "unarchived",
    )


def _message(error: Exception) -> str:
    cause = error.__cause__
    diagnostic = getattr(cause, "diag", None)
    hint = f" ({diagnostic.message_hint})" if diagnostic and diagnostic.message_hint else ""
    return f"{str(error).strip()}{hint}"
