"""Reads of the trending app: the week's topics, a topic's history, videos, creators."""

from __future__ import annotations

from datetime import date

from django.db.models import F, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from trending.models import Creator, TopicWeek, TopVideo, TrendingTopic, WeeklyReport


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
