"""The weekly import: a week's analysis files into creators, topics, videos, their weekly history
and the homepage grid, all or nothing, changing only what changed.

`weekly_import` parses and validates every file first (`trending.parsers`: a bad file raises
`ImportFileError` before anything is written), then writes in one transaction under the admin
identity of the `weekly-import` user, so that row-level security applies and the audit log names
who imported. Existing rows are read once per kind, new rows inserted in bulk and changed rows
updated in bulk with only their changed fields: importing the same files again writes nothing,
so it leaves no audit rows and no new `modified_at`. A dry run makes the same writes and rolls
them back, so its summary says exactly what a real run would change.

Rules:

- Grid items: every topic of an imported report, the 10 best-ranked videos of each imported
  crawl and the stored videos of a report's `top_videos` get one if they have none: title, base
  score (the topic's or video's score), `data` (tags as slugs, `week_of`, and for videos
  `video_id`, `thumbnail_url`, `creator`, `views`), active, created by the import user. The
  existing items of imported topics and videos follow their base score and the import's keys
  of `data`; title, position, pin and active flag are the editors'.
- Trending: `new_topics` are the topics this import created, `topic_score_jumps` the topics
  whose score rose by more than 20% over its value before the import (from a non-zero score).
  Each raises a trending alert, queued in the import's transaction (`trending.alerts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from carnivore.bulk_upsert import TrackedRows
from carnivore.db_context import admin_identity, run_as
from grid.models import BentoGridItem, ContentType
from trending.alerts import alerts_raise
from trending.parsers.analyzed import parse_analysis_file
from trending.parsers.creators import parse_channel_rankings, parse_creator_bios
from trending.parsers.youtube import parse_youtube_file
from trending.weekly_import.creators import creators_write
from trending.weekly_import.state import ImportSummary, ImportWeek, set_fields
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
    """The files of ANALYZED_CONTENT_PATH, YOUTUBE_DATA_PATH, CREATOR_BIOS_PATH and
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
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import weekly reports, YouTube crawls, creator profiles and the leaderboard.

    Args:
        analyzed: `analyzed_content.json` files, one per week.
        youtube: `youtube_data.json` files, one per week.
        bios: a `creator_bios.json`, if any.
        rankings: a `channel_rankings.json`, if any.
        dry_run: roll everything back, reporting what would have changed.
        progress: told of each step (reading a file, writing a kind of rows).

    Raises:
        ImportFileError: a file cannot be imported; nothing was written.
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


# --- grid items -------------------------------------------------------------------------------


def _write_grid_items(week: ImportWeek, user, summary: ImportSummary) -> None:
    wanted: dict[tuple[str, int], tuple[str, Decimal, dict]] = {}
    for slug, topic in week.topics.items():
        wanted[ContentType.TRENDING_TOPIC, topic.pk] = (
            topic.topic_name,
            topic.engagement_score,
            {"tags": topic.tags, "week_of": topic.last_seen_week.isoformat(), "slug": slug},
        )
    creators = week.creators.by_id()
    for video_id, video in week.videos.items():
        creator = creators.get(video.creator_id) or video.creator
        week_of = week.crawled_weeks.get(video_id) or week.reported_weeks.get(video_id)
        wanted[ContentType.TOP_VIDEO, video.pk] = (
            video.title,
            video.engagement_score,
            {
                "tags": list(dict.fromkeys(filter(None, map(slugify, video.tags)))),
                "week_of": week_of.isoformat() if week_of else None,
                "video_id": video_id,
                "thumbnail_url": video.thumbnail_url,
                "creator": creator.creator_name,
                "views": video.views,
            },
        )
    topic_ids = [topic.pk for topic in week.topics.values()]
    video_ids = [video.pk for video in week.videos.values()]
    items = BentoGridItem.objects.filter(
        Q(content_type=ContentType.TRENDING_TOPIC, content_id__in=topic_ids)
        | Q(content_type=ContentType.TOP_VIDEO, content_id__in=video_ids)
    )
    tracked = TrackedRows(
        BentoGridItem,
        key=["content_type", "content_id"],
        fields=["base_score", "data"],
        rows=items,
        created_with=["content_title", "created_by"],
    )
    for item in tracked.existing:
        _, base_score, data = wanted[item.content_type, item.content_id]
        set_fields(item, base_score=base_score, data={**item.data, **data})
    has_item = {(item.content_type, item.content_id) for item in tracked.existing}
    candidates = [
        (ContentType.TRENDING_TOPIC, week.topics[slug].pk) for slug in sorted(week.topics)
    ]
    candidates += [
        (ContentType.TOP_VIDEO, week.videos[video_id].pk) for video_id in sorted(week.grid_videos)
    ]
    for content in candidates:
        if content in has_item:
            continue
        has_item.add(content)
        title, base_score, data = wanted[content]
        tracked.add(
            BentoGridItem(
                content_type=content[0],
                content_id=content[1],
                content_title=title,
                base_score=base_score,
                data=data,
                created_by=user,
            )
        )
    tracked.save(summary.counts["grid_items"])


_WRITE_STEPS: tuple[tuple[str, Callable[[ImportWeek, Any, ImportSummary], None]], ...] = (
    ("writing weekly reports and crawls", weeks_write),
    ("writing creators", creators_write),
    ("writing topics", topics_write),
    ("writing videos", videos_write),
    ("writing grid items", _write_grid_items),
)
