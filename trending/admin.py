"""The back office for what the weekly analysis finds: topics, videos, creators (edited by
editors, soft-deleted by actions) and the weekly reports, crawls and alerts (read-only)."""

from __future__ import annotations

from datetime import date

from django.contrib import admin
from django.utils.dateformat import format as format_date

from carnivore.staff_admin import ReadOnlyAdmin, ReadOnlyInline
from grid.admin import SoftDeleteAdmin
from trending.models import (
    Creator,
    TopicWeek,
    TopVideo,
    TrendingAlert,
    TrendingTopic,
    VideoWeek,
    WeeklyReport,
    YoutubeCrawl,
)


def _week_label(day: date) -> str:
    return f"Week of {format_date(day, 'M j, Y')}"


class TopicWeekFilter(admin.SimpleListFilter):
    title = "week"
    parameter_name = "week"

    def lookups(self, request, model_admin):
        weeks = WeeklyReport.objects.order_by("-week_of").values_list("week_of", flat=True)
        return [(day.isoformat(), _week_label(day)) for day in weeks]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(weeks__report__week_of=self.value())
        return queryset


class VideoWeekFilter(TopicWeekFilter):
    def lookups(self, request, model_admin):
        weeks = YoutubeCrawl.objects.order_by("-collected_on").values_list(
            "collected_on", flat=True
        )
        return [(day.isoformat(), _week_label(day)) for day in weeks]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(weeks__crawl__collected_on=self.value())
        return queryset


class TopicCreatorFilter(admin.SimpleListFilter):
    """Topics a creator was mentioned with (`creators_array`, GIN-indexed)."""

    title = "creator"
    parameter_name = "creator"

    def lookups(self, request, model_admin):
        names = Creator.objects.order_by("creator_name").values_list("creator_name", flat=True)
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(creators_array__contains=[self.value()])
        return queryset


class TopicWeekInline(ReadOnlyInline):
    model = TopicWeek
    fields = ("report", "rank", "engagement_score")
    readonly_fields = fields
    ordering = ("-report__week_of",)
    verbose_name_plural = "weekly history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report")


class VideoWeekInline(ReadOnlyInline):
    model = VideoWeek
    fields = ("crawl", "rank", "views", "likes", "comments", "engagement_score")
    readonly_fields = fields
    ordering = ("-crawl__collected_on",)
    verbose_name_plural = "weekly history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("crawl")


@admin.register(TrendingTopic)
class TrendingTopicAdmin(SoftDeleteAdmin):
    list_display = (
        "topic_name",
        "engagement_score",
        "mention_count",
        "last_seen_week",
        "is_active",
    )
    list_filter = ("is_active", TopicWeekFilter, TopicCreatorFilter)
    search_fields = ("topic_name", "topic_slug", "description")
    fields = (
        "topic_name",
        "topic_slug",
        "description",
        "tags",
        "creators_array",
        "engagement_score",
        "mention_count",
        "first_seen_week",
        "last_seen_week",
        "is_active",
        "created_at",
        "modified_at",
    )
    readonly_fields = (
        "engagement_score",
        "mention_count",
        "first_seen_week",
        "last_seen_week",
        "created_at",
        "modified_at",
    )
    inlines = (TopicWeekInline,)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"topic_slug": ("topic_name",)}

    def get_readonly_fields(self, request, obj=None):
        # The import finds a topic by its slug: renaming it would split the topic's history.
        slug = ("topic_slug",) if obj else ()
        return (*slug, *super().get_readonly_fields(request, obj))


@admin.register(TopVideo)
class TopVideoAdmin(SoftDeleteAdmin):
    list_display = (
        "title",
        "creator",
        "views",
        "likes",
        "engagement_score",
        "published_at",
        "is_active",
    )
    list_filter = ("is_active", VideoWeekFilter, "creator")
    list_select_related = ("creator",)
    search_fields = ("title", "video_id", "creator__creator_name")
    autocomplete_fields = ("creator",)
    fields = (
        "title",
        "video_id",
        "creator",
        "description",
        "tags",
        "thumbnail_url",
        "published_at",
        "views",
        "likes",
        "comments",
        "duration_seconds",
        "relevance_score",
        "engagement_score",
        "comment_sentiment",
        "is_active",
        "created_at",
        "modified_at",
    )
    readonly_fields = (
        "views",
        "likes",
        "comments",
        "duration_seconds",
        "relevance_score",
        "engagement_score",
        "comment_sentiment",
        "created_at",
        "modified_at",
    )
    inlines = (VideoWeekInline,)


@admin.register(Creator)
class CreatorAdmin(SoftDeleteAdmin):
    list_display = (
        "creator_name",
        "channel_id",
        "appearances",
        "total_views",
        "leaderboard_rank",
        "verified",
        "is_active",
    )
    list_filter = ("is_active", "verified")
    search_fields = ("creator_name", "handle", "channel_id")
    fields = (
        "creator_name",
        "channel_id",
        "handle",
        "tagline",
        "bio",
        "specialty",
        "focus_areas",
        "verified",
        "avatar_url",
        "website_url",
        "twitter_handle",
        "subscriber_count",
        "monthly_video_count",
        "appearances",
        "total_views",
        "average_views_per_video",
        "leaderboard_rank",
        "is_active",
        "created_at",
        "modified_at",
    )
    # The import's figures (focus areas, appearances, views: trending/weekly_import/
    # creator_reach.py) are recomputed by every import: an edit here would not last.
    readonly_fields = (
        "focus_areas",
        "subscriber_count",
        "monthly_video_count",
        "appearances",
        "total_views",
        "average_views_per_video",
        "leaderboard_rank",
        "created_at",
        "modified_at",
    )


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ReadOnlyAdmin):
    list_display = ("week_of", "generated_at", "source_file")
    fields = (
        "week_of",
        "generated_at",
        "weekly_summary",
        "key_insights",
        "qa_section",
        "source_file",
        "source_sha256",
    )


@admin.register(YoutubeCrawl)
class YoutubeCrawlAdmin(ReadOnlyAdmin):
    list_display = ("collected_on", "collected_at", "total_videos_found", "source_file")
    fields = (
        "collected_on",
        "collected_at",
        "total_videos_found",
        "search_queries",
        "source_file",
        "source_sha256",
    )


@admin.register(TrendingAlert)
class TrendingAlertAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event", "topic", "attempts", "delivered_at", "failed_at")
    list_filter = ("event",)
    list_select_related = ("topic",)
