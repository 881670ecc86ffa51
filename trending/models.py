"""What the weekly analysis finds: creators, trending topics, top videos, and their weekly history.

`trending_topics`, `top_videos` and `creators` hold one row per thing (its latest state); each
week's appearance of a topic or video is kept in `trending_topic_weeks` / `top_video_weeks`, tied
to the week's report (`weekly_reports`) or YouTube crawl (`youtube_crawls`), so re-imports and
recurring topics never erase history.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from audit.triggers import audit_triggers
from carnivore.models import Timestamped, not_blank, score_range
from carnivore.triggers import SoftDeleteWithNotice, StampModifiedAt
from grid.models import ContentType
from grid.triggers import HideGridItems

# Creators' figures the weekly import derives from audited data (specialty, videos, the
# leaderboard): not audited again when recomputed (trending/weekly_import/creator_reach.py).
CREATOR_REACH_FIGURES = ("focus_areas", "appearances", "total_views", "average_views_per_video")


class Creator(Timestamped):
    """A YouTube channel the analysis follows."""

    channel_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    creator_name = models.CharField(max_length=200, unique=True)
    handle = models.CharField(max_length=100, unique=True, null=True, blank=True)
    bio = models.TextField(blank=True, db_default="")
    tagline = models.CharField(max_length=300, blank=True, db_default="")
    specialty = models.CharField(max_length=200, blank=True, db_default="")
    avatar_url = models.URLField(max_length=500, blank=True, db_default="")
    verified = models.BooleanField(db_default=False)
    # NULL when unknown: no published file carries subscriber counts.
    subscriber_count = models.BigIntegerField(null=True, blank=True)
    monthly_video_count = models.IntegerField(db_default=0)
    average_views_per_video = models.BigIntegerField(db_default=0)
    # The import's reach figures (trending/weekly_import/creator_reach.py): the areas of the
    # specialty and the most used tags of the creator's videos; how many crawls listed the
    # creator's videos (or the leaderboard's count, if higher); their videos' latest views.
    focus_areas = ArrayField(models.CharField(max_length=100), blank=True, db_default=[])
    appearances = models.IntegerField(db_default=0)
    total_views = models.BigIntegerField(db_default=0)
    website_url = models.URLField(max_length=500, blank=True, db_default="")
    twitter_handle = models.CharField(max_length=100, blank=True, db_default="")
    leaderboard_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    full_data = models.JSONField(blank=True, db_default={})
    is_active = models.BooleanField(db_default=True)

    class Meta:
        db_table = "creators"
        ordering = ["creator_name"]
        constraints = [
            models.CheckConstraint(
                condition=not_blank("creator_name"), name="creators_name_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(subscriber_count__gte=0), name="creators_subscribers_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(monthly_video_count__gte=0), name="creators_monthly_videos_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(appearances__gte=0), name="creators_appearances_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(total_views__gte=0), name="creators_total_views_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(average_views_per_video__gte=0),
                name="creators_average_views_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(handle__isnull=True) | not_blank("handle"),
                name="creators_handle_not_blank",
            ),
        ]
        indexes = [
            GinIndex(fields=["focus_areas"], name="creators_focus_areas_gin"),
            # GET /api/creators/: the active creators by reach.
            models.Index(
                fields=["-appearances", "-total_views", "creator_name"],
                condition=Q(is_active=True),
                name="creators_active_by_reach",
            ),
        ]
        triggers = [
            StampModifiedAt(),
            SoftDeleteWithNotice(),
            *audit_triggers(unaudited_columns=CREATOR_REACH_FIGURES),
        ]

    def __str__(self) -> str:
        return self.creator_name


class TrendingTopic(Timestamped):
    """A topic the analysis saw trending, with its latest score; weekly appearances in TopicWeek."""

    # Its grid items are hidden and shown with it (content_set_active in grid/services.py).
    grid_content_types = (ContentType.TRENDING_TOPIC,)

    topic_slug = models.SlugField(max_length=200, unique=True)
    topic_name = models.CharField(max_length=300)
    description = models.TextField(blank=True, db_default="")
    engagement_score = models.DecimalField(max_digits=5, decimal_places=2, db_default=0)
    mention_count = models.IntegerField(db_default=0)
    creators_array = ArrayField(models.TextField(), blank=True, db_default=[])
    tags = ArrayField(models.CharField(max_length=100), blank=True, db_default=[])
    full_data = models.JSONField(blank=True, db_default={})
    first_seen_week = models.DateField(null=True, blank=True)
    last_seen_week = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(db_default=True)

    class Meta:
        db_table = "trending_topics"
        ordering = ["-engagement_score", "-last_seen_week"]
        constraints = [
            models.CheckConstraint(
                condition=not_blank("topic_name"), name="trending_topics_name_not_blank"
            ),
            models.CheckConstraint(
                condition=~Q(topic_slug=""), name="trending_topics_slug_not_empty"
            ),
            models.CheckConstraint(
                condition=score_range("engagement_score"), name="trending_topics_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(mention_count__gte=0), name="trending_topics_mentions_not_negative"
            ),
        ]
        indexes = [
            GinIndex(fields=["creators_array"], name="trending_topics_creators_gin"),
            GinIndex(fields=["tags"], name="trending_topics_tags_gin"),
            models.Index(
                fields=["-engagement_score", "-last_seen_week"],
                condition=Q(is_active=True),
                name="trending_topics_active_rank",
            ),
            # calculate_trending_topics(): the active topics of the last 7 days.
            models.Index(
                fields=["-last_seen_week", "-engagement_score"],
                condition=Q(is_active=True),
                name="trending_topics_active_recent",
            ),
        ]
        triggers = [
            StampModifiedAt(),
            SoftDeleteWithNotice(),
            HideGridItems(content_type_sql="'trending_topic'"),
            *audit_triggers(),
        ]

    def __str__(self) -> str:
        return self.topic_name


class TopVideo(Timestamped):
    """A YouTube video among a week's top content; weekly appearances in VideoWeek."""

    # Its grid items are hidden and shown with it (content_set_active in grid/services.py).
    grid_content_types = (ContentType.TOP_VIDEO,)

    video_id = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=500)
    creator = models.ForeignKey(Creator, on_delete=models.PROTECT, related_name="videos")
    description = models.TextField(blank=True, db_default="")
    published_at = models.DateTimeField(null=True, blank=True)
    views = models.BigIntegerField(db_default=0)
    likes = models.BigIntegerField(db_default=0)
    comments = models.BigIntegerField(db_default=0)
    duration_seconds = models.IntegerField(null=True, blank=True)
    tags = ArrayField(models.CharField(max_length=200), blank=True, db_default=[])
    comment_sentiment = models.JSONField(blank=True, db_default={})
    relevance_score = models.SmallIntegerField(null=True, blank=True)
    engagement_score = models.DecimalField(max_digits=5, decimal_places=2, db_default=0)
    thumbnail_url = models.URLField(max_length=500, blank=True, db_default="")
    # The newest week a crawl listed it or a weekly report named it (its age in the ranking).
    last_seen_week = models.DateField(null=True, blank=True)
    full_data = models.JSONField(blank=True, db_default={})
    is_active = models.BooleanField(db_default=True)

    class Meta:
        db_table = "top_videos"
        ordering = ["-engagement_score", "-published_at"]
        constraints = [
            models.CheckConstraint(condition=not_blank("title"), name="top_videos_title_not_blank"),
            models.CheckConstraint(
                condition=not_blank("video_id"), name="top_videos_video_id_not_blank"
            ),
            models.CheckConstraint(condition=Q(views__gte=0), name="top_videos_views_not_negative"),
            models.CheckConstraint(condition=Q(likes__gte=0), name="top_videos_likes_not_negative"),
            models.CheckConstraint(
                condition=Q(comments__gte=0), name="top_videos_comments_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__isnull=True) | Q(duration_seconds__gte=0),
                name="top_videos_duration_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(relevance_score__isnull=True)
                | Q(relevance_score__gte=0, relevance_score__lte=10),
                name="top_videos_relevance_0_10",
            ),
            models.CheckConstraint(
                condition=score_range("engagement_score"), name="top_videos_score_0_100"
            ),
        ]
        indexes = [
            GinIndex(fields=["tags"], name="top_videos_tags_gin"),
            models.Index(
                fields=["-engagement_score", "-published_at"],
                condition=Q(is_active=True),
                name="top_videos_active_rank",
            ),
        ]
        triggers = [
            StampModifiedAt(),
            SoftDeleteWithNotice(),
            HideGridItems(content_type_sql="'top_video'"),
            *audit_triggers(),
        ]

    def __str__(self) -> str:
        return self.title


class WeeklyReport(Timestamped):
    """One week's analysis report (`analyzed_content.json`), keyed by its analysis date."""

    week_of = models.DateField(unique=True)
    generated_at = models.DateTimeField()
    weekly_summary = models.TextField(blank=True, db_default="")
    key_insights = models.TextField(blank=True, db_default="")
    qa_section = models.JSONField(blank=True, db_default=[])
    source_file = models.CharField(max_length=500, blank=True, db_default="")
    source_sha256 = models.CharField(max_length=64, blank=True, db_default="")

    class Meta:
        db_table = "weekly_reports"
        ordering = ["-week_of"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source_sha256="") | Q(source_sha256__regex=r"^[0-9a-f]{64}$"),
                name="weekly_reports_sha256_hex",
            ),
        ]
        triggers = [StampModifiedAt()]

    def __str__(self) -> str:
        return f"Week of {self.week_of:%B %d, %Y}"


class YoutubeCrawl(Timestamped):
    """One week's YouTube crawl (`youtube_data.json`), keyed by its collection date."""

    collected_on = models.DateField(unique=True)
    collected_at = models.DateTimeField()
    total_videos_found = models.IntegerField(db_default=0)
    search_queries = ArrayField(models.TextField(), blank=True, db_default=[])
    source_file = models.CharField(max_length=500, blank=True, db_default="")
    source_sha256 = models.CharField(max_length=64, blank=True, db_default="")

    class Meta:
        db_table = "youtube_crawls"
        ordering = ["-collected_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_videos_found__gte=0), name="youtube_crawls_total_not_negative"
            ),
        ]
        triggers = [StampModifiedAt()]

    def __str__(self) -> str:
        return f"Crawl of {self.collected_on:%B %d, %Y}"


class TopicWeek(Timestamped):
    """A topic's appearance in one week's report: its rank, score and the raw entry."""

    topic = models.ForeignKey(TrendingTopic, on_delete=models.PROTECT, related_name="weeks")
    report = models.ForeignKey(WeeklyReport, on_delete=models.PROTECT, related_name="topic_weeks")
    rank = models.PositiveSmallIntegerField()
    engagement_score = models.DecimalField(max_digits=5, decimal_places=2)
    entry = models.JSONField(db_default={})

    class Meta:
        db_table = "trending_topic_weeks"
        ordering = ["report", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "report"], name="trending_topic_weeks_topic_report_unique"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="trending_topic_weeks_rank_positive"
            ),
            models.CheckConstraint(
                condition=score_range("engagement_score"), name="trending_topic_weeks_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["report", "rank"], name="trending_topic_weeks_by_rank")]
        triggers = [StampModifiedAt()]


class VideoWeek(Timestamped):
    """A video's appearance in one week's crawl: rank, that week's statistics, base score, entry."""

    video = models.ForeignKey(TopVideo, on_delete=models.PROTECT, related_name="weeks")
    crawl = models.ForeignKey(YoutubeCrawl, on_delete=models.PROTECT, related_name="video_weeks")
    rank = models.PositiveSmallIntegerField()
    views = models.BigIntegerField(db_default=0)
    likes = models.BigIntegerField(db_default=0)
    comments = models.BigIntegerField(db_default=0)
    engagement_score = models.DecimalField(max_digits=5, decimal_places=2)
    entry = models.JSONField(db_default={})

    class Meta:
        db_table = "top_video_weeks"
        ordering = ["crawl", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "crawl"], name="top_video_weeks_video_crawl_unique"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="top_video_weeks_rank_positive"),
            models.CheckConstraint(
                condition=Q(views__gte=0, likes__gte=0, comments__gte=0),
                name="top_video_weeks_counts_not_negative",
            ),
            models.CheckConstraint(
                condition=score_range("engagement_score"), name="top_video_weeks_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["crawl", "rank"], name="top_video_weeks_by_rank")]
        triggers = [StampModifiedAt()]


class AlertEvent(models.TextChoices):
    NEW_TOPIC = "new_topic"
    SCORE_JUMP = "score_jump"


class TrendingAlert(models.Model):
    """A trending alert waiting in the outbox, or delivered to TRENDING_WEBHOOK_URL.

    Written in the same transaction as the change that raised it; a job delivers it later, so a
    slow or dead webhook never holds up an import.
    """

    event = models.CharField(max_length=16, choices=AlertEvent.choices)
    topic = models.ForeignKey(TrendingTopic, on_delete=models.PROTECT, related_name="alerts")
    payload = models.JSONField()
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    attempts = models.IntegerField(db_default=0)
    next_attempt_at = models.DateTimeField(db_default=Now())
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="Given up after the last retry."
    )
    last_status = models.IntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, db_default="")

    class Meta:
        db_table = "trending_alerts"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__in=AlertEvent.values), name="trending_alerts_event_valid"
            ),
            models.CheckConstraint(
                condition=Q(attempts__gte=0), name="trending_alerts_attempts_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True, failed_at__isnull=True),
                name="trending_alerts_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.payload.get('topic_name', self.topic_id)}"


class TopicWeekRank(models.Model):
    """A topic's rank in one week (the view `trending_topics_by_week`)."""

    pk = models.CompositePrimaryKey("week_of", "topic_slug")
    week_of = models.DateField()
    rank = models.PositiveSmallIntegerField()
    topic_slug = models.SlugField(max_length=200)
    topic_name = models.CharField(max_length=300)
    engagement_score = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        managed = False
        db_table = "trending_topics_by_week"

    def __str__(self) -> str:
        return f"{self.week_of}: #{self.rank} {self.topic_name}"


class CreatorPerformance(models.Model):
    """A creator's videos, views and scores over the weeks (the view `creator_performance`)."""

    creator_id = models.BigIntegerField(primary_key=True)
    creator_name = models.CharField(max_length=200)
    channel_id = models.CharField(max_length=64, null=True)  # noqa: DJ001 - mirrors creators
    subscriber_count = models.BigIntegerField(null=True)
    videos = models.IntegerField()
    total_views = models.BigIntegerField()
    average_views = models.BigIntegerField()
    average_score = models.DecimalField(max_digits=5, decimal_places=2)
    weeks_seen = models.IntegerField()

    class Meta:
        managed = False
        db_table = "creator_performance"

    def __str__(self) -> str:
        return self.creator_name
