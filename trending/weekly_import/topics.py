"""The weekly import's topics (`trending_topics`) and their weekly rows (`trending_topic_weeks`).

Topics are keyed by slug. A topic's own row holds its latest state, the entry of its most
recent week: an older week imported later does not overwrite it. Its `mention_count` is the
number of weeks it appeared in, `first_seen_week` and `last_seen_week` the first and last of
them. The summary's `new_topics` are the topics this import created, `topic_score_jumps` the
topics whose score rose by more than 20% over its value before the import (from a non-zero
score, `trending.alerts.is_score_jump`).
"""

from __future__ import annotations

from django.db.models import Count, Max, Min

from carnivore.bulk_upsert import TrackedRows
from trending.alerts import is_score_jump
from trending.models import TopicWeek, TrendingTopic
from trending.parsers.entries import TopicEntry
from trending.weekly_import.state import ImportSummary, ImportWeek, set_fields

_TOPIC_FIELDS = (
    "topic_name",
    "description",
    "engagement_score",
    "creators_array",
    "tags",
    "full_data",
    "mention_count",
    "first_seen_week",
    "last_seen_week",
)
_TOPIC_WEEK_FIELDS = ("rank", "engagement_score", "entry")


def topics_write(week: ImportWeek, user, summary: ImportSummary) -> None:
    """Save the topics of the reports and their weekly rows; note new and jumping topics."""
    deliveries = week.report_deliveries
    slugs = {entry.slug for delivery in deliveries for entry in delivery.file.topics}
    topics = {
        row.topic_slug: row
        for row in TrendingTopic.objects.filter(topic_slug__in=slugs).annotate(
            weeks_seen=Count("weeks"),
            first_week=Min("weeks__report__week_of"),
            last_week=Max("weeks__report__week_of"),
        )
    }
    tracked_topics = TrackedRows(
        TrendingTopic, key=["topic_slug"], fields=_TOPIC_FIELDS, rows=topics.values()
    )
    score_before = {slug: row.engagement_score for slug, row in topics.items()}
    slug_of = {row.pk: slug for slug, row in topics.items()}
    report_ids = [delivery.row.pk for delivery in deliveries]
    weeks = {
        (slug_of[row.topic_id], row.report_id): row
        for row in TopicWeek.objects.filter(report__in=report_ids, topic__in=list(slug_of))
    }
    tracked_weeks = TrackedRows(
        TopicWeek, key=["topic", "report"], fields=_TOPIC_WEEK_FIELDS, rows=weeks.values()
    )
    seen = {slug: [row.weeks_seen, row.first_week, row.last_week] for slug, row in topics.items()}
    latest: dict[str, TopicEntry] = {}
    new_weeks: list[tuple[str, TopicWeek]] = []
    for delivery in deliveries:
        week_of = delivery.file.week_of
        for entry in delivery.file.topics:
            row = weeks.get((entry.slug, delivery.row.pk))
            if row is None:
                row = weeks[entry.slug, delivery.row.pk] = tracked_weeks.add(
                    TopicWeek(report=delivery.row)
                )
                new_weeks.append((entry.slug, row))
                count, first, last = seen.get(entry.slug, (0, None, None))
                seen[entry.slug] = [count + 1, min(first or week_of, week_of), last]
            set_fields(row, rank=entry.rank, engagement_score=entry.score, entry=entry.entry)
            last = seen[entry.slug][2]
            if last is None or week_of >= last:
                latest[entry.slug] = entry
                seen[entry.slug][2] = week_of
    for slug, entry in latest.items():
        row = topics.get(slug) or tracked_topics.add(TrendingTopic(topic_slug=slug))
        topics[slug] = row
        set_fields(
            row,
            topic_name=entry.name,
            description=entry.description,
            engagement_score=entry.score,
            creators_array=list(entry.mentioned_by),
            tags=list(entry.tags),
            full_data=entry.entry,
        )
    for slug, (count, first, last) in seen.items():
        set_fields(topics[slug], mention_count=count, first_seen_week=first, last_seen_week=last)
    tracked_topics.save(summary.counts["topics"])
    for slug, row in new_weeks:
        row.topic = topics[slug]
    tracked_weeks.save(summary.counts["topic_weeks"])
    week.topics = topics
    summary.new_topics.extend(tracked_topics.new)
    summary.topic_score_jumps.extend(
        row
        for slug, row in topics.items()
        if slug in score_before and is_score_jump(score_before[slug], row.engagement_score)
    )
