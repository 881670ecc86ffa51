"""The run of the weekly import: read and validate every file, write in one transaction, sum up.

`weekly_import` parses and validates every file first (`trending.parsers`: a bad file raises
`ImportFileError` before anything is written) and refuses weeks that two different files claim
unless told to replace them (`conflicts`: `WeekConflictError`, before anything is written); then
it writes in one transaction under the admin identity of the `weekly-import` user, so that
row-level security applies and the audit log names who imported. A run is all or nothing, a
backfill of many weeks included; its files are applied in date order whatever order they come
in. The writing steps run in order, each leaving in `ImportWeek` what the next ones need: weeks,
creators, topics, videos, the creators' reach (`creator_reach`: focus areas, appearances,
views), grid items (one module each, with its rules). Existing rows are read once per kind, new
rows inserted in bulk (in date order) and changed rows updated in bulk with only their changed
fields (`carnivore.bulk_upsert`): importing the same files again writes nothing, so it leaves no
audit rows and no new `modified_at`. A dry run makes the same writes and rolls them back, so its
summary says exactly what a real run would change. The topics the import created and those whose
score jumped (`topics`) each raise a trending alert, queued in the import's transaction
(`trending.alerts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from carnivore.db_context import admin_identity, run_as
from trending.alerts import alerts_raise
from trending.parsers.analyzed import parse_analysis_file
from trending.parsers.creators import parse_channel_rankings, parse_creator_bios
from trending.parsers.youtube import parse_youtube_file
from trending.weekly_import.conflicts import WeekConflictError, week_conflicts
from trending.weekly_import.creator_reach import creator_reach_write
from trending.weekly_import.creators import creators_write
from trending.weekly_import.grid_items import grid_items_write
from trending.weekly_import.state import ImportSummary, ImportWeek
from trending.weekly_import.topics import topics_write
from trending.weekly_import.videos import videos_write
from trending.weekly_import.weeks import weeks_write

IMPORT_USERNAME = "weekly-import"

# Key of the transaction-level advisory lock that serialises imports: two runs at once would
# both insert the same new topics, and the second would fail on the unique slug.
_IMPORT_LOCK = 0x7472_656E_6473  # "trends"

ProgressCallback = Callable[[str, int, int], None]
"""Called with what the import is doing, the steps done and the steps in all."""


@dataclass(frozen=True)
class ConfiguredImport:
    """The weekly files the settings name: what the weekly job imports, and the command when
    it is given no report or crawl."""

    analyzed: list[str]
    youtube: list[str]
    bios: str | None
    rankings: str | None


SAMPLE_WEEK = Path(__file__).resolve().parent.parent / "sample_data"


def sample_week_import(**options) -> ImportSummary:
    """Import the sample week shipped with the app (`trending/sample_data/`), as `up` does."""
    return weekly_import(
        analyzed=[SAMPLE_WEEK / "analyzed_content.json"],
        youtube=[SAMPLE_WEEK / "youtube_data.json"],
        bios=SAMPLE_WEEK / "creator_bios.json",
        rankings=SAMPLE_WEEK / "channel_rankings.json",
        **options,
    )


def configured_import() -> ConfiguredImport:
    """Return the files of ANALYZED_CONTENT_PATH, YOUTUBE_DATA_PATH, CREATOR_BIOS_PATH and
    CHANNEL_RANKINGS_PATH (each may be unset)."""
    return ConfiguredImport(
        analyzed=[settings.ANALYZED_CONTENT_PATH] if settings.ANALYZED_CONTENT_PATH else [],
        youtube=[settings.YOUTUBE_DATA_PATH] if settings.YOUTUBE_DATA_PATH else [],
        bios=settings.CREATOR_BIOS_PATH or None,
        rankings=settings.CHANNEL_RANKINGS_PATH or None,
    )


def import_files(paths: Iterable[str | Path]) -> list[Path]:
    """Return the files `paths` name, a directory standing for its `*.json` files by name.

    Raises:
        FileNotFoundError: a path does not exist, or a directory holds no `*.json` file.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                raise FileNotFoundError(f"{path}: the folder holds no *.json file")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return files


def weekly_import(
    *,
    analyzed: Sequence[str | Path] = (),
    youtube: Sequence[str | Path] = (),
    bios: str | Path | None = None,
    rankings: str | Path | None = None,
    replace_weeks: bool = False,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import weekly reports, YouTube crawls, creator profiles and the leaderboard.

    Files may come in any order (a backfill of many weeks): they are applied in date order.

    Args:
        analyzed: `analyzed_content.json` files, one per week.
        youtube: `youtube_data.json` files, one per week.
        bios: a `creator_bios.json`, if any.
        rankings: a `channel_rankings.json`, if any.
        replace_weeks: let a file replace a week that a different file delivered (stored, or
            earlier in this run); the summary's `replaced` lists them.
        dry_run: roll everything back, reporting what would have changed.
        progress: told of each step (reading a file, writing a kind of rows).

    Raises:
        ImportFileError: a file cannot be imported; nothing was written.
        WeekConflictError: without `replace_weeks`, weeks that different files claim (each
            named with both files and what would change); nothing was written.
    """
    steps = _Steps(progress, total=len(analyzed) + len(youtube) + 2 + len(_WRITE_STEPS))
    reports = [
        steps.run(f"reading {Path(path).name}", parse_analysis_file, path) for path in analyzed
    ]
    crawls = [steps.run(f"reading {Path(path).name}", parse_youtube_file, path) for path in youtube]
    profiles = steps.run("reading creator profiles", _optional_file, parse_creator_bios, bios)
    leaderboard = steps.run(
        "reading the leaderboard", _optional_file, parse_channel_rankings, rankings
    )
    week = ImportWeek(
        reports,
        crawls,
        profiles or {},
        leaderboard,
        bios_file=str(bios or ""),
        rankings_file=str(rankings or ""),
    )
    try:
        # One transaction for the import user and the data: a dry run leaves no trace at all.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])
            user = _import_user()
            with run_as(admin_identity(user)):
                summary = ImportSummary(dry_run=dry_run)
                # Before any write, and under the lock: no other import changes the weeks read.
                summary.replaced = week_conflicts(week.reports, week.crawls)
                if summary.replaced and not replace_weeks:
                    raise WeekConflictError(summary.replaced)
                _write(week, user, summary, steps)
                # In the import's transaction: an alert exists exactly when its topic committed.
                alerts_raise(new_topics=summary.new_topics, score_jumps=summary.topic_score_jumps)
                if dry_run:
                    raise _RollBack(summary)
    except _RollBack as rollback:
        return rollback.summary
    return summary


class _RollBack(Exception):
    """Leaves the transaction of a dry run, carrying what it would have changed."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__()
        self.summary = summary


class _Steps:
    """Counts the import's steps for a progress callback."""

    def __init__(self, progress: ProgressCallback | None, *, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def run(self, description: str, action: Callable[..., Any], *args: Any) -> Any:
        if self.progress:
            self.progress(description, self.done, self.total)
        result = action(*args)
        self.done += 1
        if self.progress:
            self.progress(description, self.done, self.total)
        return result


def _optional_file(parse: Callable[[str | Path], Any], path: str | Path | None) -> Any:
    return None if path is None else parse(path)


def _import_user():
    """Return the user the import acts as (no usable password: nobody signs in as it)."""
    user, _ = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"password": make_password(None)}
    )
    return user


def _write(week: ImportWeek, user, summary: ImportSummary, steps: _Steps) -> None:
    for description, write in _WRITE_STEPS:
        steps.run(description, write, week, user, summary)


_WRITE_STEPS: tuple[tuple[str, Callable[[ImportWeek, Any, ImportSummary], None]], ...] = (
    ("writing weekly reports and crawls", weeks_write),
    ("writing creators", creators_write),
    ("writing topics", topics_write),
    ("writing videos", videos_write),
    ("writing creators' reach", creator_reach_write),
    ("writing grid items", grid_items_write),
)
