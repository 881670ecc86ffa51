"""Factories: valid rows of every model, with any field overridden by keyword."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from audit.models import AuditLog
from engagement.models import ContentEngagement, DroppedEngagement, EngagementRollup
from grid.models import BentoGridItem, EditorialItem, GridRefreshRun, UserInterest
from trending.models import (
    Creator,
    TopicWeek,
    TopVideo,
    TrendingTopic,
    VideoWeek,
    WeeklyReport,
    YoutubeCrawl,
)

_serial = itertools.count(1)


def _n() -> int:
    return next(_serial)


def make_user(*, groups: tuple[str, ...] = (), **fields):
    """A user, optionally in staff groups ("Editors", "Auditors")."""
    n = _n()
    fields.setdefault("username", f"reader{n}")
    fields.setdefault("email", f"reader{n}@example.com")
    password = fields.pop("password", "correct horse battery staple")
    user = get_user_model().objects.create_user(password=password, **fields)
    for name in groups:
        # get_or_create: transactional tests flush the groups the migration made
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def make_editor(**fields):
    return make_user(groups=("Editors",), **fields)


def make_auditor(**fields):
    return make_user(groups=("Auditors",), **fields)


def make_creator(**fields) -> Creator:
    n = _n()
    fields.setdefault("creator_name", f"Creator {n}")
    fields.setdefault("channel_id", f"UCtest{n:018d}")
    return Creator.objects.create(**fields)


def make_topic(**fields) -> TrendingTopic:
    n = _n()
    fields.setdefault("topic_name", f"Topic {n}")
    fields.setdefault("topic_slug", f"topic-{n}")
    fields.setdefault("engagement_score", Decimal("60.00"))
    return TrendingTopic.objects.create(**fields)


def make_video(**fields) -> TopVideo:
    n = _n()
    if "creator" not in fields:
        fields["creator"] = make_creator()
    fields.setdefault("video_id", f"vid{n:08d}")
    fields.setdefault("title", f"Video {n}")
    return TopVideo.objects.create(**fields)


def make_report(**fields) -> WeeklyReport:
    n = _n()
    fields.setdefault("week_of", date(2026, 1, 1).replace(day=1 + n % 28))
    fields.setdefault("generated_at", datetime(2026, 1, 1, 12, tzinfo=UTC))
    return WeeklyReport.objects.create(**fields)


def make_crawl(**fields) -> YoutubeCrawl:
    n = _n()
    fields.setdefault("collected_on", date(2025, 1, 1).replace(day=1 + n % 28))
    fields.setdefault("collected_at", datetime(2025, 1, 1, 12, tzinfo=UTC))
    return YoutubeCrawl.objects.create(**fields)


def make_topic_week(**fields) -> TopicWeek:
    if "topic" not in fields:
        fields["topic"] = make_topic()
    if "report" not in fields:
        fields["report"] = make_report()
    fields.setdefault("rank", 1)
    fields.setdefault("engagement_score", Decimal("90.00"))
    return TopicWeek.objects.create(**fields)


def make_video_week(**fields) -> VideoWeek:
    if "video" not in fields:
        fields["video"] = make_video()
    if "crawl" not in fields:
        fields["crawl"] = make_crawl()
    fields.setdefault("rank", 1)
    fields.setdefault("engagement_score", Decimal("80.00"))
    return VideoWeek.objects.create(**fields)


def make_editorial(**fields) -> EditorialItem:
    fields.setdefault("kind", "community_highlight")
    fields.setdefault("title", f"Highlight {_n()}")
    return EditorialItem.objects.create(**fields)


def make_grid_item(**fields) -> BentoGridItem:
    if "content_id" not in fields:
        topic = make_topic()
        fields.update(content_type="trending_topic", content_id=topic.id)
        fields.setdefault("content_title", topic.topic_name)
    fields.setdefault("content_type", "trending_topic")
    fields.setdefault("content_title", f"Item {_n()}")
    return BentoGridItem.objects.create(**fields)


def make_interest(**fields) -> UserInterest:
    if "user" not in fields:
        fields["user"] = make_user()
    fields.setdefault("interests", ["Budget carnivore"])
    fields.setdefault("interest_tags", ["budget-carnivore"])
    return UserInterest.objects.create(**fields)


def make_refresh_run(**fields) -> GridRefreshRun:
    now = datetime.now(UTC)
    fields.setdefault("started_at", now)
    fields.setdefault("finished_at", now)
    fields.setdefault("duration_ms", 1.5)
    fields.setdefault("items_ranked", 7)
    fields.setdefault("items_moved", 0)
    fields.setdefault("triggered_by", "command")
    return GridRefreshRun.objects.create(**fields)


def make_engagement(**fields) -> ContentEngagement:
    if "content_id" not in fields:
        fields.update(content_type="trending_topic", content_id=make_topic().id)
    fields.setdefault("interaction_type", "view")
    return ContentEngagement.objects.create(**fields)


ROLLUP_KINDS = ("views", "clicks", "shares", "bookmarks", "comments", "reactions")


def make_rollup(**fields) -> EngagementRollup:
    """An hour's rollup; `events` is the sum of the counts given (one view when none is)."""
    fields.setdefault("content_type", "trending_topic")
    fields.setdefault("content_id", _n())
    fields.setdefault("hour", datetime(2026, 1, 1, _n() % 24, tzinfo=UTC))
    if not any(kind in fields for kind in ROLLUP_KINDS):
        fields["views"] = 1
    fields.setdefault("events", sum(fields.get(kind, 0) for kind in ROLLUP_KINDS))
    return EngagementRollup.objects.create(**fields)


def make_drop(**fields) -> DroppedEngagement:
    fields.setdefault("reason", "bot_user_agent")
    fields.setdefault("user_agent", "Googlebot/2.1")
    fields.setdefault("event_count", 1)
    return DroppedEngagement.objects.create(**fields)


def make_audit_row(**fields) -> AuditLog:
    fields.setdefault("table_name", "trending_topics")
    fields.setdefault("record_id", "1")
    fields.setdefault("operation", "INSERT")
    fields.setdefault("new_values", {"id": 1})
    fields.setdefault("db_role", "postgres")
    return AuditLog.objects.create(**fields)
