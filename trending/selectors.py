"""Reads of the trending app: the week's topics, a topic's history, videos, creators, and which
weekly files were imported already."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.db.models import F, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from trending.models import (
    Creator,
    TopicWeek,
    TopVideo,
    TrendingTopic,
    WeeklyReport,
    YoutubeCrawl,
)


def trending_week(week_of: date | None = None) -> WeeklyReport | None:
    """The report of `week_of`, or the most recent one."""
    reports = WeeklyReport.objects.order_by("-week_of")
    return reports.filter(week_of=week_of).first() if week_of else reports.first()


def trending_topics_of_week(report: WeeklyReport) -> QuerySet[TopicWeek]:
    """The week's active topics, by their rank that week (hidden topics stay hidden: RLS)."""
    return (
        TopicWeek.objects.filter(report=report, topic__is_active=True)
        .select_related("topic")
        .order_by("rank")
    )


def trending_topic_with_history(slug: str) -> tuple[TrendingTopic, list[TopicWeek]] | None:
    """A topic and its weekly appearances, oldest first; None if there is no such topic."""
    topic = TrendingTopic.objects.filter(topic_slug=slug).first()
    if topic is None:
        return None
    history = list(topic.weeks.select_related("report").order_by("report__week_of"))
    return topic, history


def videos_active(
    *, creator_id: int | None = None, week_of: date | None = None
) -> QuerySet[TopVideo]:
    """Active videos, best base score first, optionally one creator's or one week's."""
    videos = TopVideo.objects.filter(is_active=True).select_related("creator")
    if creator_id is not None:
        videos = videos.filter(creator_id=creator_id)
    if week_of is not None:
        videos = videos.filter(weeks__crawl__collected_on=week_of)
    return videos.order_by("-engagement_score", "-published_at", "id")


# Creators by reach: most crawl appearances, then most views (never subscribers: the published
# files carry no subscriber counts, so that column is empty).
_BY_REACH = ("-appearances", "-total_views", "creator_name")


def creators_active() -> QuerySet[Creator]:
    """Active creators, most appearances in the crawls first, then most views (the index
    creators_active_by_reach)."""
    return Creator.objects.filter(is_active=True).order_by(*_BY_REACH)


def creators_recommended(interest_tags: set[str]) -> QuerySet[Creator]:
    """Active creators whose focus areas overlap the reader's (normalised) interest tags: most
    shared areas first, then most appearances, then most views (the GIN index on focus_areas
    serves the overlap test)."""
    tags = sorted(interest_tags)
    if not tags:
        return Creator.objects.none()
    shared = RawSQL(
        "cardinality(ARRAY(SELECT unnest(focus_areas) INTERSECT SELECT unnest(%s::varchar[])))",
        [tags],
        output_field=IntegerField(),
    )
    return (
        Creator.objects.filter(is_active=True, focus_areas__overlap=tags)
        .annotate(shared_focus_areas=shared)
        .order_by(F("shared_focus_areas").desc(), *_BY_REACH)
    )


@dataclass(frozen=True)
class ImportedFile:
    """A weekly file whose exact bytes are what a stored report or crawl was imported from."""

    path: Path
    imported_at: datetime  # when that import wrote the row


def weekly_files_imported(paths: Iterable[str | Path]) -> list[ImportedFile]:
    """Return those of `paths` (weekly reports and crawls) that were imported byte for byte.

    A file matches the report or crawl whose `source_sha256` is the file's; `imported_at` is
    that row's `modified_at`, which only an import that changed it moves (importing the same
    bytes again writes nothing). A file that cannot be read is left to the import to report.
    """
    digests: dict[Path, str] = {}
    for path in map(Path, paths):
        try:
            digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
    imported = {}
    for model in (WeeklyReport, YoutubeCrawl):
        imported.update(
            model.objects.filter(source_sha256__in=digests.values()).values_list(
                "source_sha256", "modified_at"
            )
        )
    return [
        ImportedFile(path, imported[digest])
        for path, digest in digests.items()
        if digest in imported
    ]
