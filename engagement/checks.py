"""engagement's checks for `manage.py doctor` (registered with carnivore/doctor.py by
EngagementConfig.ready()): content_engagement's partitions are ready, the retention of old
months is configured and keeps up, and every stored score, count and rollup equals a recount of
the raw events."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from carnivore.doctor import CheckResult, doctor_check
from engagement.models import ContentEngagement
from engagement.retention import (
    RetentionError,
    retention_archive_dir_problem,
    retention_detached,
    retention_due,
    retention_keep_from,
    retention_policy,
)
from engagement.selectors import (
    engagement_partitions,
    engagement_rollup_lag,
    engagement_score_drift,
)
from engagement.services import PARTITION_MONTHS_AHEAD

PARTITIONS = "partitions"
RETENTION = "retention"
SCORE_DRIFT = "score drift"
ROLLUP = "engagement rollup"
# Events may wait this long for the rollup before the doctor says its worker is not running.
ROLLUP_MAX_LAG_SECONDS = 60


def _month_start(moment: datetime, months_later: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months_later
    return moment.replace(
        year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


@doctor_check(PARTITIONS, order=60)
def check_partitions() -> CheckResult:
    """Check that content_engagement has this month's partition, the next months', and DEFAULT."""
    table = ContentEngagement._meta.db_table
    now = timezone.now().astimezone(UTC)  # partitions are cut at midnight UTC
    months = [f"{_month_start(now, ahead):%Y_%m}" for ahead in range(PARTITION_MONTHS_AHEAD + 1)]
    present = {partition.name for partition in engagement_partitions()}
    missing = [
        name
        for name in [*(f"{table}_{month}" for month in months), f"{table}_default"]
        if name not in present
    ]
    return CheckResult.of(
        PARTITIONS,
        [f"missing {', '.join(missing)}: run manage.py ensure_partitions"] if missing else [],
        f"{table}: {', '.join(months)} and DEFAULT",
    )


@doctor_check(RETENTION, order=61)
def check_retention() -> CheckResult:
    """Check the retention settings and archive folder, that no retired month waits for its
    archive, and (a warning) that no month older than the setting is still held."""
    try:
        policy = retention_policy()
    except RetentionError as error:
        return CheckResult.of(RETENTION, [str(error)], "")
    problems = []
    if policy.archive_dir and (problem := retention_archive_dir_problem(policy.archive_dir)):
        problems.append(problem)
    if waiting := retention_detached():
        problems.append(
            f"{', '.join(waiting)} detached from content_engagement but not archived and"
            " dropped: run manage.py engagement_retention, which says why"
        )
    if problems or policy.keep_months is None:
        return CheckResult.of(RETENTION, problems, policy.describe())
    keep_from = retention_keep_from(policy.keep_months)
    if due := retention_due(keep_from):
        return CheckResult(
            RETENTION,
            True,
            f"{policy.describe()}; {len(due)} older months still held"
            f" ({due[0].partition} the oldest): the daily engagement_retention job retires them"
            " (or manage.py engagement_retention)",
            warning=True,
        )
    return CheckResult.of(
        RETENTION, [], f"{policy.describe()}; events held from {keep_from:%Y-%m-%d}"
    )


@doctor_check(ROLLUP, order=70)
def check_rollup() -> CheckResult:
    """Check that the rollup keeps up: no event has waited more than a minute to be counted."""
    lag = engagement_rollup_lag()
    since = (timezone.now() - lag.drained_at).total_seconds() if lag.drained_at else None
    stalled = lag.waiting and (since is None or since > ROLLUP_MAX_LAG_SECONDS)
    ran = f"last run {since:.0f} s ago" if since is not None else "never run"
    return CheckResult.of(
        ROLLUP,
        [
            f"{lag.waiting} events not counted, {ran}: run manage.py engagement_rollup_worker"
            " beside the web processes"
        ]
        if stalled
        else [],
        f"{ran}, {lag.waiting} events waiting",
    )


@doctor_check(SCORE_DRIFT, order=80)
def check_score_drift() -> CheckResult:
    """Check that every score, count and rollup equals a recount of the raw events."""
    drift = engagement_score_drift()
    shown = [
        f"{d.content_type} {d.content_id} {d.figure}: {d.stored} stored, {d.recounted} recounted"
        for d in drift[:3]
    ]
    more = f" and {len(drift) - len(shown)} more" if len(drift) > len(shown) else ""
    return CheckResult.of(
        SCORE_DRIFT,
        [f"{', '.join(shown)}{more}: see manage.py verify_scores"] if drift else [],
        "every figure equals a recount of the raw events",
    )
