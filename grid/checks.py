"""grid's check for `manage.py doctor` (registered with carnivore/doctor.py by
GridConfig.ready()): homepage_grid is populated and was refreshed recently; empty only on a new
deployment that has no content yet."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

from carnivore.db_context import SERVICE, run_as
from carnivore.doctor import CheckResult, doctor_check

HOMEPAGE_GRID = "homepage_grid"
GRID_MAX_AGE = timedelta(hours=2)  # the refresh runs hourly: one missed run is tolerated


def _elapsed(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


@doctor_check(HOMEPAGE_GRID, order=70)
def check_homepage_grid(*, grid_max_age: timedelta = GRID_MAX_AGE) -> CheckResult:
    """Check that homepage_grid holds tiles from a refresh less than `grid_max_age` ago
    (`manage.py doctor --grid-max-age`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relispopulated FROM pg_class WHERE oid = to_regclass(%s)",
            [f"public.{HOMEPAGE_GRID}"],
        )
        row = cursor.fetchone()
    if row is None:
        return CheckResult(HOMEPAGE_GRID, False, f"{HOMEPAGE_GRID} is missing")
    if not row[0]:
        return CheckResult(
            HOMEPAGE_GRID,
            False,
            "never refreshed (not populated): run manage.py refresh_bento_grid",
        )
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT count(*), clock_timestamp() - max(refreshed_at) FROM homepage_grid")
        tiles, age = cursor.fetchone()
    if tiles == 0:
        return _check_empty_homepage_grid(grid_max_age)
    if age > grid_max_age:
        return CheckResult(
            HOMEPAGE_GRID,
            False,
            f"stale: refreshed {_elapsed(age)} ago, more than {_elapsed(grid_max_age)}:"
            " is the job cluster (qcluster) running?",
        )
    return CheckResult(HOMEPAGE_GRID, True, f"{tiles} tiles, refreshed {_elapsed(age)} ago")


def _check_empty_homepage_grid(grid_max_age: timedelta) -> CheckResult:
    """An empty homepage is healthy only on a new deployment with no content yet (before its
    first weekly import), refreshed less than `grid_max_age` ago."""
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM bento_grid_items),"
            " (SELECT clock_timestamp() - max(finished_at) FROM grid_refresh_runs)"
        )
        items, age = cursor.fetchone()
    if items:
        return CheckResult(
            HOMEPAGE_GRID, False, "empty: the last refresh found no active item to show"
        )
    if age is None or age > grid_max_age:
        return CheckResult(
            HOMEPAGE_GRID,
            False,
            "empty, and not refreshed within the last"
            f" {_elapsed(grid_max_age)}: run manage.py refresh_bento_grid",
        )
    return CheckResult(
        HOMEPAGE_GRID,
        True,
        f"empty: no content yet, refreshed {_elapsed(age)} ago (the weekly import brings it)",
    )
