"""The back office dashboard: engagement per day over the last 30 days and sentiment per grid
item, drawn as inline SVG charts (no script, no external network).

Reads run under the caller's role like every admin page: the hourly rollups (public counts)
and the grid items with their 7-day sentiment (`engagement_sentiment_7d`). Editors, auditors
and superusers may see it: whoever may view the grid. engagement/admin.py adds it to the admin
site, at /admin/dashboard/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.template.response import TemplateResponse
from django.utils import timezone

from engagement.models import ContentSentiment, EngagementRollup
from grid.models import BentoGridItem

DAYS = 30
SENTIMENT_ITEMS = 20  # the top of the grid: the homepage's tiles and the next in line
DASHBOARD_PERMISSION = "grid.view_bentogriditem"


@dataclass(frozen=True)
class DayCount:
    day: date
    events: int


@dataclass(frozen=True)
class ItemSentiment:
    """A grid item's reactions over 7 days (comments and reactions carry a sentiment)."""

    item_id: int
    position: int
    title: str
    positive: int
    neutral: int
    negative: int
    positive_percent: float  # the item's figure: of all its events, 50 when it has none

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative


def engagement_per_day(*, days: int = DAYS, today: date | None = None) -> list[DayCount]:
    """Return engagement events per UTC day for the last `days` days, today included, with
    the days without events as zeros. Served by the rollups' index on hour."""
    today = today or timezone.now().date()
    first = today - timedelta(days=days - 1)
    rows = (
        EngagementRollup.objects.filter(hour__gte=datetime.combine(first, time.min, tzinfo=UTC))
        .annotate(day=TruncDate("hour", tzinfo=UTC))
        .values("day")
        .annotate(events=Sum("events"))
        .order_by()
    )
    counts = {row["day"]: row["events"] for row in rows}
    return [DayCount(day, counts.get(day, 0)) for day in _days(first, days)]


def _days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


def sentiment_per_grid_item(*, limit: int = SENTIMENT_ITEMS) -> list[ItemSentiment]:
    """Return positive, neutral and negative counts of the last 7 days for the active grid
    items by position, from `engagement_sentiment_7d`."""
    items = list(
        BentoGridItem.objects.filter(is_active=True, grid_position__isnull=False).order_by(
            "grid_position"
        )[:limit]
    )
    if not items:
        return []
    keys = [(item.content_type, item.content_id) for item in items]
    sentiments = {s.pk: s for s in ContentSentiment.objects.filter(pk__in=keys)}
    rows = []
    for item in items:
        found = sentiments.get((item.content_type, item.content_id))
        rows.append(
            ItemSentiment(
                item_id=item.id,
                position=item.grid_position,
                title=item.content_title,
                positive=found.positive if found else 0,
                neutral=found.neutral if found else 0,
                negative=found.negative if found else 0,
                positive_percent=float(item.positive_sentiment_percent),
            )
        )
    return rows


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """A vertical bar chart laid out in SVG user units (the template only draws it)."""

    width: int
    height: int
    left: int
    bottom: float
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]

    @property
    def y_label_x(self) -> int:
        return self.left - 6

    @property
    def x_label_y(self) -> float:
        return self.bottom + 16


AXIS_STEPS = (1, 2, 5)  # times a power of ten
MOST_INTERVALS = 5


def axis_ticks(highest: int, *, most: int = MOST_INTERVALS) -> list[int]:
    """Return the y axis's ticks for whole counts up to `highest`: 0, then equal steps of 1, 2
    or 5 times a power of ten (never below 1: counts are whole), the smallest step that
    reaches `highest` in at most `most` intervals. The last tick, at or above `highest`, is
    the top of the axis; every label is a distinct round number (0 / 1 / 2 / 3 / 4 / 5, not
    0 / 2 / 5). An axis without events reads 0 / 1."""
    if highest <= 0:
        return [0, 1]
    power = 1
    while True:
        for step in (factor * power for factor in AXIS_STEPS):
            intervals = -(-highest // step)  # rounded up
            if intervals <= most:
                return [step * n for n in range(intervals + 1)]
        power *= 10


def bar_chart(
    days: list[DayCount], *, width: int = 760, height: int = 240, label_every: int = 5
) -> BarChart:
    """Lay out one bar per day, the y axis from 0 to its top tick (`axis_ticks`)."""
    left, top, bottom_margin = 48, 12, 24
    plot_height = height - top - bottom_margin
    bottom = top + plot_height
    ticks = axis_ticks(max((d.events for d in days), default=0))
    ceiling = ticks[-1]
    slot = (width - left) / max(len(days), 1)
    bars = []
    x_ticks = []
    for n, day in enumerate(days):
        bar_height = plot_height * day.events / ceiling
        x = left + n * slot
        bars.append(
            Bar(
                x=round(x + slot * 0.15, 2),
                y=round(bottom - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=round(bar_height, 2),
                label=day.day.isoformat(),
                value=day.events,
            )
        )
        if n % label_every == 0:
            x_ticks.append(Tick(round(x + slot / 2, 2), day.day.strftime("%b %-d")))
    y_ticks = [Tick(round(bottom - plot_height * tick / ceiling, 2), f"{tick:,}") for tick in ticks]
    return BarChart(width, height, left, bottom, bars, y_ticks, x_ticks)


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    kind: str
    count: int


def sentiment_segments(row: ItemSentiment, *, width: int = 400) -> list[Segment]:
    """Split a bar of `width` into positive, neutral and negative parts by their counts."""
    if not row.total:
        return []
    segments, x = [], 0.0
    for kind in ("positive", "neutral", "negative"):
        count = getattr(row, kind)
        part = width * count / row.total
        if count:
            segments.append(Segment(round(x, 2), round(part, 2), kind, count))
        x += part
    return segments


def dashboard_view(request):
    """Render the dashboard page for whoever may view the grid (`DASHBOARD_PERMISSION`)."""
    if not request.user.has_perm(DASHBOARD_PERMISSION):
        raise PermissionDenied
    days = engagement_per_day()
    sentiments = sentiment_per_grid_item()
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "days": days,
        "total_events": sum(d.events for d in days),
        "engagement_chart": bar_chart(days),
        "sentiment_rows": [(row, sentiment_segments(row)) for row in sentiments],
    }
    return TemplateResponse(request, "admin/engagement/dashboard.html", context)
