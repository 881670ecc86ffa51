"""The homepage Bento Grid: its items, editorial content, readers' interests and refresh runs.

A grid item points at one piece of content (`content_type`, `content_id`): a trending topic, a
top video, or an editorial item (community highlight, research update). Its engagement figures
are kept by the engagement app's rollup (engagement_rollup_drain); its position by the hourly
refresh.
"""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.lookups import Exact

from audit.triggers import audit_triggers
from carnivore.models import Timestamped, not_blank, score_range
from carnivore.triggers import SoftDeleteWithNotice, StampModifiedAt
from grid.triggers import HideGridItems

MAX_POSITION = 100

# Kept by the engagement rollup from the events (each its own record): not audited themselves,
# and not edits (modified_at stays the time of the last editorial change).
ENGAGEMENT_FIGURES = (
    "engagement_score",
    "positive_sentiment_percent",
    "view_count",
    "share_count",
    "bookmark_count",
    "events_24h",
    "views_24h",
    "shares_24h",
    "bookmarks_24h",
    "positive_24h",
    "events_7d",
    "positive_7d",
    "reader_weight_7d",
    "scored_at",
)


class ContentType(models.TextChoices):
    TRENDING_TOPIC = "trending_topic", "Trending topic"
    TOP_VIDEO = "top_video", "Top video"
    COMMUNITY_HIGHLIGHT = "community_highlight", "Community highlight"
    RESEARCH_UPDATE = "research_update", "Research update"


class EditorialKind(models.TextChoices):
    COMMUNITY_HIGHLIGHT = (
        ContentType.COMMUNITY_HIGHLIGHT.value,
        ContentType.COMMUNITY_HIGHLIGHT.label,
    )
    RESEARCH_UPDATE = ContentType.RESEARCH_UPDATE.value, ContentType.RESEARCH_UPDATE.label


class EditorialItem(Timestamped):
    """Content written by editors rather than imported: community highlights, research updates."""

    # The grid items showing an editorial item are hidden and shown with it (content_set_active
    # in grid/services.py); its kind is one of these.
    grid_content_types = tuple(EditorialKind.values)

    kind = models.CharField(max_length=32, choices=EditorialKind.choices)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True, db_default="")
    url = models.URLField(max_length=500, blank=True, db_default="")
    tags = ArrayField(models.CharField(max_length=100), blank=True, db_default=[])
    is_active = models.BooleanField(db_default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "editorial_items"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EditorialKind.values), name="editorial_items_kind_valid"
            ),
            models.CheckConstraint(
                condition=not_blank("title"), name="editorial_items_title_not_blank"
            ),
        ]
        triggers = [
            StampModifiedAt(),
            SoftDeleteWithNotice(),
            HideGridItems(content_type_sql="NEW.kind"),
            *audit_triggers(),
        ]

    def __str__(self) -> str:
        return self.title


class BentoGridItem(Timestamped):
    """One piece of content on, or waiting for, the homepage grid.

    The figures (`view_count`..., the window sums `*_24h`, `*_7d` as of `scored_at`, the
    blueprint's display `engagement_score` and `reader_weight_7d`, the weighted count of
    distinct readers' actions) are kept by the engagement rollup from the events. What ranks the
    item is `rank_score` (grid/sql/grid_rank.sql): the imported `base_score` as a prior,
    readers' points from `reader_weight_7d`, less an age penalty from `week_of`, the week of
    the content. It depends on the time, so it is computed when the grid is ranked, not stored.
    """

    content_type = models.CharField(max_length=32, choices=ContentType.choices)
    content_id = models.BigIntegerField()
    content_title = models.CharField(max_length=500)
    grid_position = models.SmallIntegerField(null=True, blank=True)
    engagement_score = models.DecimalField(max_digits=5, decimal_places=2, db_default=0)
    base_score = models.DecimalField(max_digits=5, decimal_places=2, db_default=0)
    events_24h = models.IntegerField(db_default=0)
    views_24h = models.IntegerField(db_default=0)
    shares_24h = models.IntegerField(db_default=0)
    bookmarks_24h = models.IntegerField(db_default=0)
    positive_24h = models.IntegerField(db_default=0)
    events_7d = models.IntegerField(db_default=0)
    positive_7d = models.IntegerField(db_default=0)
    # Distinct readers' actions in the 7-day window, weighted by kind (grid/sql/grid_rank.sql).
    reader_weight_7d = models.IntegerField(db_default=0)
    # The week the content belongs to (its weekly report or crawl); NULL for editorial items,
    # whose age counts from created_at.
    week_of = models.DateField(null=True, blank=True)
    view_count = models.BigIntegerField(db_default=0)
    share_count = models.BigIntegerField(db_default=0)
    bookmark_count = models.BigIntegerField(db_default=0)
    positive_sentiment_percent = models.DecimalField(max_digits=5, decimal_places=2, db_default=50)
    scored_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(blank=True, db_default={})
    is_active = models.BooleanField(db_default=True)
    is_pinned = models.BooleanField(db_default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "bento_grid_items"
        ordering = [F("grid_position").asc(nulls_last=True), "-week_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "content_id"], name="bento_grid_items_content_unique"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=ContentType.values),
                name="bento_grid_items_content_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(content_id__gt=0), name="bento_grid_items_content_id_positive"
            ),
            models.CheckConstraint(
                condition=not_blank("content_title"), name="bento_grid_items_title_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(grid_position__isnull=True)
                | Q(grid_position__gte=1, grid_position__lte=MAX_POSITION),
                name="bento_grid_items_position_1_100",
                violation_error_message=f"Position must be between 1 and {MAX_POSITION}.",
            ),
            models.CheckConstraint(
                condition=score_range("engagement_score"), name="bento_grid_items_score_0_100"
            ),
            models.CheckConstraint(
                condition=score_range("base_score"), name="bento_grid_items_base_score_0_100"
            ),
            models.CheckConstraint(
                condition=score_range("positive_sentiment_percent"),
                name="bento_grid_items_sentiment_0_100",
            ),
            models.CheckConstraint(
                condition=Q(
                    view_count__gte=0, share_count__gte=0, bookmark_count__gte=0, events_24h__gte=0
                ),
                name="bento_grid_items_counts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    views_24h__gte=0,
                    shares_24h__gte=0,
                    bookmarks_24h__gte=0,
                    positive_24h__gte=0,
                    events_24h__gte=F("views_24h") + F("shares_24h") + F("bookmarks_24h"),
                    events_7d__gte=F("events_24h"),
                    positive_7d__gte=F("positive_24h"),
                ),
                name="bento_grid_items_window_sums_fit",
            ),
            models.CheckConstraint(
                condition=Q(is_pinned=False) | Q(grid_position__isnull=False),
                name="bento_grid_items_pinned_has_position",
                violation_error_message="A pinned item needs a position.",
            ),
            models.UniqueConstraint(
                fields=["grid_position"],
                condition=Q(is_pinned=True, is_active=True),
                name="bento_grid_items_one_pin_per_position",
                violation_error_message="Another active item is already pinned at this position.",
            ),
        ]
        indexes = [
            # The refresh reads who holds a position (active or not), the view the active ones.
            models.Index(
                fields=["grid_position"],
                condition=Q(grid_position__isnull=False),
                name="bento_grid_items_positioned",
            ),
        ]
        triggers = [
            StampModifiedAt(unstamped_columns=ENGAGEMENT_FIGURES),
            SoftDeleteWithNotice(),
            *audit_triggers(unaudited_columns=ENGAGEMENT_FIGURES),
        ]

    def __str__(self) -> str:
        return self.content_title


SOFT_DELETE_FOR_API_ROLES = pgtrigger.Condition(
    "CURRENT_USER IN ('anon', 'authenticated', 'service_role')"
)


class UserInterest(Timestamped):
    """A reader's interests: the labels they chose and the tag slugs personalisation matches."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interests"
    )
    interests = models.JSONField(db_default=[])
    interest_tags = ArrayField(models.CharField(max_length=100), db_default=[])
    is_active = models.BooleanField(db_default=True)

    class Meta:
        db_table = "user_interests"
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    Func(F("interests"), function="jsonb_typeof", output_field=models.TextField()),
                    "array",
                ),
                name="user_interests_interests_is_array",
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(interest_tags__len__gte=1),
                name="user_interests_active_has_tags",
            ),
            models.CheckConstraint(
                condition=Q(interest_tags__len__lte=20), name="user_interests_at_most_20_tags"
            ),
        ]
        indexes = [GinIndex(fields=["interest_tags"], name="user_interests_tags_gin")]
        triggers = [
            StampModifiedAt(),
            # A DELETE by an API role (a reader, an admin, a job, a REST client) hides the row;
            # the owner's removes it: the erasure of a reader (engagement/sql/
            # engagement_reader_erase.sql, SECURITY DEFINER) and Django deleting a user as the
            # connecting role. No API role can act as the owner.
            SoftDeleteWithNotice(condition=SOFT_DELETE_FOR_API_ROLES),
            *audit_triggers(),
        ]

    def __str__(self) -> str:
        return f"Interests of {self.user_id}"


class RefreshTrigger(models.TextChoices):
    SCHEDULE = "schedule"
    COMMAND = "command"
    API = "api"
    ADMIN = "admin"


class GridRefreshRun(models.Model):
    """One run of the grid refresh: when, how long, what moved, who was hero before and after.

    `items_ranked` counts the active items holding a position after the run (100 at most).
    """

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    duration_ms = models.FloatField()
    items_ranked = models.IntegerField()
    items_moved = models.IntegerField()
    old_hero = models.ForeignKey(
        BentoGridItem, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_hero = models.ForeignKey(
        BentoGridItem, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    triggered_by = models.CharField(max_length=16, choices=RefreshTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_default=models.functions.Now(), editable=False)

    class Meta:
        db_table = "grid_refresh_runs"
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(triggered_by__in=RefreshTrigger.values),
                name="grid_refresh_runs_trigger_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_ms__gte=0, items_ranked__gte=0, items_moved__gte=0),
                name="grid_refresh_runs_figures_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__gte=F("started_at")),
                name="grid_refresh_runs_finish_after_start",
            ),
        ]
        indexes = [models.Index(fields=["-started_at"], name="grid_refresh_runs_recent")]

    def __str__(self) -> str:
        return f"Refresh at {self.started_at:%Y-%m-%d %H:%M} ({self.items_moved} moved)"
