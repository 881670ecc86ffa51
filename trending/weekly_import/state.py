"""What one run of the weekly import carries from step to step, and what it reports.

`ImportWeek` holds the validated files and what each writing step learns for the next ones
(the week rows, the creators, topics and videos as saved); `ImportSummary` counts what the run
changed per kind of row (`IMPORT_KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from carnivore.bulk_upsert import RowCounts
from trending.models import TopVideo, TrendingTopic
from trending.parsers.entries import AnalysisReport, ChannelRanking, CreatorBio
from trending.parsers.entries import YoutubeCrawl as CrawlFile

if TYPE_CHECKING:
    from trending.weekly_import.conflicts import WeekConflict
    from trending.weekly_import.creators import CreatorIndex

# What the summary counts, in the order it is shown.
IMPORT_KINDS = {
    "reports": "weekly reports",
    "crawls": "YouTube crawls",
    "creators": "creators",
    "topics": "topics",
    "topic_weeks": "topic weeks",
    "videos": "videos",
    "video_weeks": "video weeks",
    "grid_items": "grid items",
}


@dataclass
class ImportSummary:
    """What an import changed (or, for a dry run, would change).

    `new_topics` and `topic_score_jumps` are the rows as saved; after a dry run they were
    rolled back and raise no alert.
    """

    dry_run: bool
    counts: dict[str, RowCounts] = field(
        default_factory=lambda: {kind: RowCounts() for kind in IMPORT_KINDS}
    )
    new_topics: list[TrendingTopic] = field(default_factory=list)
    topic_score_jumps: list[TrendingTopic] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    weeks: list[WeekLine] = field(default_factory=list)  # by week, as `weeks` applied them
    replaced: list[WeekConflict] = field(default_factory=list)  # with replace_weeks

    @property
    def changed(self) -> bool:
        """Whether any row was (or would be) inserted or updated."""
        return any(counts.created or counts.updated for counts in self.counts.values())


@dataclass
class ImportWeek:
    """Everything the files say, validated, and what the writing steps learn on the way."""

    reports: list[AnalysisReport]
    crawls: list[CrawlFile]
    bios: dict[str, CreatorBio]
    rankings: list[ChannelRanking] | None
    bios_file: str
    rankings_file: str
    report_deliveries: list[Delivery] = field(default_factory=list)
    crawl_deliveries: list[Delivery] = field(default_factory=list)
    creators: CreatorIndex | None = None
    # creator id: "created", "updated" or "unchanged", as creators_write counted it
    creator_outcomes: dict[int, str] = field(default_factory=dict)
    topics: dict[str, TrendingTopic] = field(default_factory=dict)
    videos: dict[str, TopVideo] = field(default_factory=dict)
    crawled_weeks: dict[str, date] = field(default_factory=dict)  # video id: its latest crawl
    reported_weeks: dict[str, date] = field(default_factory=dict)  # video id: latest report
    grid_videos: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Delivery:
    """One delivered file of a week and its week's row."""

    file: Any  # AnalysisReport or CrawlFile
    row: Any  # WeeklyReport or YoutubeCrawl


@dataclass(frozen=True)
class WeekLine:
    """What an import did with one file's week: new, unchanged, or replacing another file."""

    week: date
    kind: str  # "weekly report" or "YouTube crawl"
    file: str
    outcome: str


def set_fields(row, **values: Any) -> None:
    """Set the attributes `values` names on `row` (a model instance, saved later)."""
    for name, value in values.items():
        setattr(row, name, value)
