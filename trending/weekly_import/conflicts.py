"""Weeks claimed by two different files: the import refuses them unless told to replace.

A weekly report is the week of its `analysis_date`, a crawl the week of its `collection_date`.
When a file claims a week that the database holds from a different file (another sha256), or
that a different file of the same run claims too, `week_conflicts` returns a `WeekConflict`
naming both files and summing up what the new file would change (fields, and the topics or
videos added, removed or changed). The run then writes nothing (`WeekConflictError`) unless it
was asked to replace weeks. The same file again (same sha256) is no conflict: it changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from trending.models import TopicWeek, VideoWeek, WeeklyReport, YoutubeCrawl
from trending.parsers.entries import AnalysisReport
from trending.parsers.entries import YoutubeCrawl as CrawlFile

# Names listed in a change before "and N more".
_NAMES_SHOWN = 3
# A stored week whose file name was not kept (rows written by hand or by an old import).
_UNNAMED = "an unnamed file"


@dataclass(frozen=True)
class WeekConflict:
    """A file claiming a week that another, different file delivered."""

    kind: str  # "weekly report" or "YouTube crawl"
    week: date
    file: str  # the new file's name
    held_by: str  # the name of the file the week came from
    stored: bool  # held_by is in the database (else: earlier in the same run)
    changes: tuple[str, ...]  # what the new file would change, one short phrase each

    def __str__(self) -> str:
        holder = "is already imported from" if self.stored else "is also claimed by"
        return (
            f"{self.file}: the {self.kind} of {self.week:%B %d, %Y} {holder} "
            f"{self.held_by}, a different file; it would change: {'; '.join(self.changes)}"
        )


class WeekConflictError(Exception):
    """Weeks claimed by two different files, and no leave to replace them: nothing written."""

    def __init__(self, conflicts: Sequence[WeekConflict]) -> None:
        super().__init__(list(conflicts))
        self.conflicts = list(conflicts)

    def __str__(self) -> str:
        return "\n".join(map(str, self.conflicts))


@dataclass(frozen=True)
class _Field:
    """A week's field: the value compared, and how a message shows it."""

    value: Any
    shown: str


@dataclass(frozen=True)
class _Entry:
    """A topic or video of a week: its name, figures and raw entry."""

    name: str
    figures: dict[str, Any]
    raw: dict


@dataclass(frozen=True)
class _Listing:
    """What a delivery of a week says: its fields and its entries by key."""

    fields: dict[str, _Field]
    entries: dict[str, _Entry]


@dataclass(frozen=True)
class _Kind:
    """How to compare the deliveries of one kind of file."""

    label: str
    entries_label: str  # "topics", "videos"
    period: Callable[[Any], date]
    moment: Callable[[Any], datetime]
    of_file: Callable[[Any], _Listing]
    stored: Callable[[set[date]], dict[date, Any]]  # the stored rows of these weeks
    of_row: Callable[[Any], _Listing]  # what a stored row holds (read only for a conflict)


def week_conflicts(
    reports: Sequence[AnalysisReport], crawls: Sequence[CrawlFile]
) -> list[WeekConflict]:
    """Return the weeks that `reports` and `crawls` claim from a different file, oldest first."""
    return [*_conflicts(_REPORTS, reports), *_conflicts(_CRAWLS, crawls)]


def _conflicts(kind: _Kind, files: Sequence[Any]) -> list[WeekConflict]:
    # The order in which the import applies them: by week, then generated time, then as given.
    ordered = sorted(files, key=lambda file: (kind.period(file), kind.moment(file)))
    holders: dict[date, tuple[Callable[[], _Listing], str, str, bool]] = {
        week: (partial(kind.of_row, row), row.source_sha256, row.source_file or _UNNAMED, True)
        for week, row in kind.stored({kind.period(file) for file in ordered}).items()
    }
    conflicts = []
    for file in ordered:
        week, name = kind.period(file), Path(file.file).name
        held, sha256, held_by, stored = holders.setdefault(
            week, (partial(kind.of_file, file), file.sha256, name, False)
        )
        if sha256 != file.sha256:
            conflicts.append(
                WeekConflict(
                    kind=kind.label,
                    week=week,
                    file=name,
                    held_by=held_by,
                    stored=stored,
                    changes=_changes(kind, held(), kind.of_file(file)),
                )
            )
    return conflicts


def _changes(kind: _Kind, old: _Listing, new: _Listing) -> tuple[str, ...]:
    """Return what `new` changes of `old`, as short phrases."""
    changes = [
        f"{name} {old.fields[name].shown} -> {field.shown}"
        if old.fields[name].shown != field.shown
        else f"{name} changed"
        for name, field in new.fields.items()
        if field.value != old.fields[name].value
    ]
    added = [new.entries[key].name for key in new.entries if key not in old.entries]
    removed = [old.entries[key].name for key in old.entries if key not in new.entries]
    changed = [
        _entry_change(old.entries[key], entry)
        for key, entry in new.entries.items()
        if key in old.entries and _differ(old.entries[key], entry)
    ]
    if not (changes or added or removed or changed):
        return ("nothing that the import keeps (the files differ only in form or ignored keys)",)
    for verb, names in (("added", added), ("removed", removed), ("changed", changed)):
        if names:
            changes.append(f"{kind.entries_label} {verb} ({len(names)}): {_names(names)}")
    if not (added or removed or changed):
        changes.append(f"the same {len(new.entries)} {kind.entries_label}")
    return tuple(changes)


def _differ(old: _Entry, new: _Entry) -> bool:
    return old.figures != new.figures or old.raw != new.raw


def _entry_change(old: _Entry, new: _Entry) -> str:
    figures = [
        f"{name} {old.figures[name]} -> {value}"
        for name, value in new.figures.items()
        if value != old.figures[name]
    ]
    return f"{new.name} ({', '.join(figures) or 'details'})"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN])
    more = len(names) - _NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _text(value: str) -> _Field:
    return _Field(value, f"{len(value):,} characters")


def _count(value: Sequence, noun: str) -> _Field:
    return _Field(list(value), f"{len(value)} {noun}")


# --- weekly reports -------------------------------------------------------------------------


def _report_fields(
    generated_at: datetime, weekly_summary: str, key_insights: str, qa_section: list
) -> dict[str, _Field]:
    return {
        "timestamp": _Field(generated_at, generated_at.isoformat()),
        "weekly_summary": _text(weekly_summary),
        "key_insights": _text(key_insights),
        "qa_section": _count(qa_section, "entries"),
    }


def _topic_figures(rank: int, score: Decimal) -> dict[str, Any]:
    return {"rank": rank, "score": Decimal(score).quantize(Decimal("0.01"))}


def _report_of_file(report: AnalysisReport) -> _Listing:
    return _Listing(
        fields=_report_fields(
            report.generated_at, report.weekly_summary, report.key_insights, report.qa_section
        ),
        entries={
            topic.slug: _Entry(topic.name, _topic_figures(topic.rank, topic.score), topic.entry)
            for topic in report.topics
        },
    )


def _stored_reports(weeks: set[date]) -> dict[date, WeeklyReport]:
    return {row.week_of: row for row in WeeklyReport.objects.filter(week_of__in=weeks)}


def _report_of_row(row: WeeklyReport) -> _Listing:
    # trending_topic_weeks_by_rank (report_id, rank) serves the filter.
    weeks = (
        TopicWeek.objects.filter(report=row)
        .order_by("rank", "topic__topic_slug")
        .values_list("topic__topic_slug", "topic__topic_name", "rank", "engagement_score", "entry")
    )
    return _Listing(
        fields=_report_fields(
            row.generated_at, row.weekly_summary, row.key_insights, row.qa_section
        ),
        entries={
            slug: _Entry(name, _topic_figures(rank, score), entry)
            for slug, name, rank, score, entry in weeks
        },
    )


_REPORTS = _Kind(
    label="weekly report",
    entries_label="topics",
    period=lambda report: report.week_of,
    moment=lambda report: report.generated_at,
    of_file=_report_of_file,
    stored=_stored_reports,
    of_row=_report_of_row,
)


# --- YouTube crawls -------------------------------------------------------------------------


def _crawl_fields(
    collected_at: datetime, total_videos_found: int, search_queries: Sequence[str]
) -> dict[str, _Field]:
    return {
        "collection_timestamp": _Field(collected_at, collected_at.isoformat()),
        "total_videos_found": _Field(total_videos_found, str(total_videos_found)),
        "search_queries": _count(search_queries, "queries"),
    }


def _video_figures(rank: int, views: int, likes: int, comments: int) -> dict[str, Any]:
    return {"rank": rank, "views": views, "likes": likes, "comments": comments}


def _crawl_of_file(crawl: CrawlFile) -> _Listing:
    return _Listing(
        fields=_crawl_fields(crawl.collected_at, crawl.total_videos_found, crawl.search_queries),
        entries={
            video.video_id: _Entry(
                video.title,
                _video_figures(video.rank, video.views, video.likes, video.comments),
                video.entry,
            )
            for video in crawl.videos
        },
    )


def _stored_crawls(weeks: set[date]) -> dict[date, YoutubeCrawl]:
    return {row.collected_on: row for row in YoutubeCrawl.objects.filter(collected_on__in=weeks)}


def _crawl_of_row(row: YoutubeCrawl) -> _Listing:
    # top_video_weeks_by_rank (crawl_id, rank) serves the filter.
    weeks = (
        VideoWeek.objects.filter(crawl=row)
        .order_by("rank", "video__video_id")
        .values_list(
            "video__video_id", "video__title", "rank", "views", "likes", "comments", "entry"
        )
    )
    return _Listing(
        fields=_crawl_fields(row.collected_at, row.total_videos_found, row.search_queries),
        entries={
            video_id: _Entry(title, _video_figures(rank, views, likes, comments), entry)
            for video_id, title, rank, views, likes, comments, entry in weeks
        },
    )


_CRAWLS = _Kind(
    label="YouTube crawl",
    entries_label="videos",
    period=lambda crawl: crawl.collected_on,
    moment=lambda crawl: crawl.collected_at,
    of_file=_crawl_of_file,
    stored=_stored_crawls,
    of_row=_crawl_of_row,
)
