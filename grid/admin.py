"""The back office for the homepage grid: editors curate the items (position, pin, hide), preview
the Bento Grid exactly as GET /api/grid/ serves it, and refresh it now; editorial items; the
refresh runs (read-only); and `SoftDeleteAdmin`, the hide/show actions of every kind of content
that may stand on the grid (trending's topics, videos and creators use it too).

Positions in the list: an unpinned item's position is the refresh's to set, so typing a
position pins the item there (the refresh then fills the other positions around it); unticking
"pinned" hands the item back to the refresh. Pins, hides and positions reach the homepage at
the next refresh: hourly, or at once with "Refresh now".
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models.expressions import RawSQL
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html

from carnivore.admin_site import BackOfficePage
from carnivore.staff_admin import ReadOnlyAdmin, StaffModelAdmin, user_display_name
from grid.models import (
    BentoGridItem,
    ContentType,
    EditorialItem,
    GridRefreshRun,
    RefreshTrigger,
)
from grid.selectors import grid_homepage, grid_items_week_counts
from grid.services import content_set_active, grid_items_set_pinned, grid_refresh

CURATED_FIELDS = ("grid_position", "is_pinned", "is_active")
NEXT_REFRESH = "The homepage changes at the next refresh (or use “Refresh now”)."
# The tile an item holds on the homepage as last refreshed: the view decides tiles by slot.
HOMEPAGE_TILE = RawSQL("SELECT h.tile FROM homepage_grid h WHERE h.id = bento_grid_items.id", ())
TILE_SIZES = {"hero": "hero 2x2", "featured": "featured 2x1", "standard": "standard 1x1"}
# The parts of each item's rank_score as of now, by the one formula (grid/sql/grid_rank.sql).
# Fixed SQL: only the part's name varies, from this tuple.
RANK_PARTS = {
    f"rank_{part}": RawSQL(  # noqa: S611
        f"(SELECT r.{part} FROM public.grid_ranked(bento_grid_items.base_score,"  # noqa: S608
        " bento_grid_items.reader_weight_7d, bento_grid_items.week_of, now()) r)",
        (),
    )
    for part in ("prior", "readers", "age_penalty", "rank_score")
}
KIND_LABELS = {  # short enough for a list column; the full label is the cell's title
    ContentType.TRENDING_TOPIC: "topic",
    ContentType.TOP_VIDEO: "video",
    ContentType.COMMUNITY_HIGHLIGHT: "highlight",
    ContentType.RESEARCH_UPDATE: "research",
}
NO_REACTIONS = "no reactions yet"


class SoftDeleteAdmin(StaffModelAdmin):
    """Hide and show rows by actions (soft delete); `is_active` is not edited in the form, so
    that hiding also takes the content off the grid."""

    actions = ("soft_delete", "restore")

    @admin.action(description="Soft-delete (hide) the selected rows", permissions=["change"])
    def soft_delete(self, request, queryset):
        self.set_active(request, queryset, active=False, done="Hid")

    @admin.action(description="Restore (show) the selected rows", permissions=["change"])
    def restore(self, request, queryset):
        self.set_active(request, queryset, active=True, done="Showed")

    def set_active(self, request, queryset, *, active: bool, done: str) -> None:
        # Counted before the UPDATE: the selection keeps the list's filters (is_active=1, say),
        # which the changed rows may no longer match afterwards.
        selected = queryset.count()
        changed = content_set_active(queryset=queryset, active=active)
        self.message_user(request, f"{done} {changed} of {selected} selected.", messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        return ("is_active", *super().get_readonly_fields(request, obj))


@admin.register(BentoGridItem)
class BentoGridItemAdmin(StaffModelAdmin):
    list_display = (
        "grid_position",
        "title",
        "tile",
        "kind",
        "score",
        "counts",
        "sentiment",
        "is_pinned",
        "is_active",
    )
    list_display_links = ("title",)
    list_editable = CURATED_FIELDS
    list_filter = ("is_active", "is_pinned", "content_type")
    search_fields = ("content_title",)
    list_per_page = 100
    actions = ("pin", "unpin", "hide", "show", "refresh_now")
    add_fields = ("content_type", "content_id", "content_title", "data", *CURATED_FIELDS)
    figures = (
        "tile",
        "ranking",
        "week_of",
        "reader_weight_7d",
        "engagement_score",
        "base_score",
        "view_count",
        "share_count",
        "bookmark_count",
        "positive_sentiment_percent",
        "scored_at",
        "created_by_name",
        "created_at",
        "modified_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(homepage_tile=HOMEPAGE_TILE, **RANK_PARTS)

    @admin.display(description="title", ordering="content_title")
    def title(self, item: BentoGridItem) -> str:
        # One line, cut short by the list's CSS; the whole title shows on hover.
        return format_html(
            '<span class="grid-title" title="{}">{}</span>', item.content_title, item.content_title
        )

    @admin.display(description="homepage tile")
    def tile(self, item: BentoGridItem) -> str:
        return TILE_SIZES.get(item.homepage_tile, "—")

    @admin.display(description="type", ordering="content_type")
    def kind(self, item: BentoGridItem) -> str:
        content_type = ContentType(item.content_type)
        return format_html(
            '<span title="{}">{}</span>', content_type.label, KIND_LABELS[content_type]
        )

    @admin.display(description="rank score", ordering="rank_rank_score")
    def score(self, item: BentoGridItem) -> str:
        return f"{item.rank_rank_score:.2f}"

    @admin.display(description="why: prior + readers - age = rank score")
    def ranking(self, item: BentoGridItem) -> str:
        pinned = " (pinned: kept at its position)" if item.is_pinned else ""
        return (
            f"{item.rank_prior:.2f} + {item.rank_readers:.2f} - {item.rank_age_penalty:.2f}"
            f" = {item.rank_rank_score:.2f}{pinned}"
        )

    @admin.display(description="views · shares · bookmarks")
    def counts(self, item: BentoGridItem) -> str:
        return f"{item.view_count:,} · {item.share_count:,} · {item.bookmark_count:,}"

    @admin.display(description="sentiment", ordering="positive_sentiment_percent")
    def sentiment(self, item: BentoGridItem) -> str:
        if not item.events_7d:
            # No event in 7 days: the stored 50% is the formula's neutral value, nobody's opinion.
            return format_html('<span class="quiet" title="{}">no reactions</span>', NO_REACTIONS)
        return f"{item.positive_sentiment_percent:.0f}% positive"

    @admin.display(description="created by")
    def created_by_name(self, item: BentoGridItem) -> str:
        return user_display_name(item.created_by_id)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        return (*self.add_fields, *self.figures)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("content_type", "content_id", *self.figures)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        elif (
            "grid_position" in form.changed_data
            and "is_pinned" not in form.changed_data
            and obj.grid_position is not None
        ):
            # Typing a position pins the item there, in the edit's one UPDATE.
            obj.is_pinned = True
            form.changed_data.append("is_pinned")
        super().save_model(request, obj, form, change)

    @admin.action(description="Pin the selected items at their positions", permissions=["change"])
    def pin(self, request, queryset):
        changed = grid_items_set_pinned(queryset=queryset, pinned=True)
        self.message_user(request, f"Pinned {changed}. {NEXT_REFRESH}", messages.SUCCESS)

    @admin.action(description="Unpin the selected items", permissions=["change"])
    def unpin(self, request, queryset):
        changed = grid_items_set_pinned(queryset=queryset, pinned=False)
        self.message_user(request, f"Unpinned {changed}. {NEXT_REFRESH}", messages.SUCCESS)

    @admin.action(description="Hide the selected items from the homepage", permissions=["change"])
    def hide(self, request, queryset):
        changed = content_set_active(queryset=queryset, active=False)
        self.message_user(request, f"Hid {changed}. {NEXT_REFRESH}", messages.SUCCESS)

    @admin.action(description="Show the selected items again", permissions=["change"])
    def show(self, request, queryset):
        changed = content_set_active(queryset=queryset, active=True)
        self.message_user(request, f"Showed {changed}. {NEXT_REFRESH}", messages.SUCCESS)

    @admin.action(description="Refresh the grid now and preview it", permissions=["change"])
    def refresh_now(self, request, queryset=None):
        result = grid_refresh(trigger=RefreshTrigger.ADMIN, requested_by=request.user)
        self.message_user(
            request,
            f"Grid refreshed in {result.duration_ms:.0f} ms: {result.items_ranked} items "
            f"ranked, {result.items_moved} moved.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self.preview_url_name}"))

    @property
    def preview_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_preview"

    def get_urls(self):
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.preview_view),
            name=self.preview_url_name,
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request):
        """The Bento Grid from the same data as GET /api/grid/; a POST refreshes it first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            return self.answer_refusals(request, self.refresh_now)
        homepage = grid_homepage().document()
        refreshed_at = homepage["refreshed_at"]
        week_counts = grid_items_week_counts(item["id"] for item in homepage["items"])
        context = {
            **self.admin_site.each_context(request),
            "title": "Homepage preview",
            "opts": self.opts,
            "tiles": [
                {
                    **item,
                    "content_label": ContentType(item["content_type"]).label,
                    "thumbnail_url": item["data"].get("thumbnail_url") or "",
                    "reactions": preview_reactions(*week_counts.get(item["id"], (0, 0))),
                }
                for item in homepage["items"]
            ],
            "refreshed_at": parse_datetime(refreshed_at) if refreshed_at else None,
            "can_refresh": self.has_change_permission(request),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/grid/bentogriditem/preview.html", context)


def preview_reactions(events_7d: int, positive_7d: int) -> dict | None:
    """A preview tile's sentiment bar: the positive share of the item's events of the last 7
    days (the stored percent), and its caption; None without any event then, when the stored
    50% is the formula's neutral value, nobody's opinion."""
    if not events_7d:
        return None
    return {
        "positive_width": f"{100 * positive_7d / events_7d:.1f}",
        "caption": f"{positive_7d} positive of {events_7d} events in 7 days",
    }


@admin.register(EditorialItem)
class EditorialItemAdmin(SoftDeleteAdmin):
    list_display = ("title", "kind", "created_at", "is_active")
    list_filter = ("is_active", "kind")
    search_fields = ("title", "summary")
    fields = (
        "kind",
        "title",
        "summary",
        "url",
        "tags",
        "is_active",
        "created_by_name",
        "created_at",
        "modified_at",
    )
    readonly_fields = ("created_by_name", "created_at", "modified_at")

    @admin.display(description="created by")
    def created_by_name(self, item: EditorialItem) -> str:
        return user_display_name(item.created_by_id)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(GridRefreshRun)
class GridRefreshRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "triggered_by",
        "duration_ms",
        "items_ranked",
        "items_moved",
        "old_hero",
        "new_hero",
    )
    list_filter = ("triggered_by",)
    list_select_related = ("old_hero", "new_hero")
    fields = (
        "started_at",
        "finished_at",
        "duration_ms",
        "items_ranked",
        "items_moved",
        "old_hero",
        "new_hero",
        "triggered_by",
        "requested_by_name",
    )
    readonly_fields = ("requested_by_name",)

    @admin.display(description="requested by")
    def requested_by_name(self, run: GridRefreshRun) -> str:
        return user_display_name(run.requested_by_id)


admin.site.register_page(
    BackOfficePage(
        title="Homepage preview",
        url_name="grid_bentogriditem_preview",  # BentoGridItemAdmin.preview_url_name
        description=format_html("The Bento Grid as <code>{}</code> serves it", "GET /api/grid/"),
        permission="grid.view_bentogriditem",
    )
)
