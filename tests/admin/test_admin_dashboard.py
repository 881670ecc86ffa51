"""The dashboard: engagement per day and sentiment per grid item, as inline SVG charts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from engagement.dashboard import (
    DayCount,
    ItemSentiment,
    axis_ticks,
    bar_chart,
    engagement_per_day,
    sentiment_per_grid_item,
    sentiment_segments,
)
from tests import factories as f

DASHBOARD = "/admin/dashboard/"


def hours_ago(hours: int) -> datetime:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    return now - timedelta(hours=hours)


@pytest.mark.django_db
def test_engagement_per_day_sums_the_rollups_of_each_day():
    """30 days, oldest first, today last, days without events as zeros."""
    today = timezone.now().date()
    noon_today = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    f.make_rollup(hour=noon_today, views=4)
    f.make_rollup(hour=noon_today - timedelta(hours=1), views=3)
    f.make_rollup(hour=noon_today - timedelta(days=2), views=5)
    f.make_rollup(hour=noon_today - timedelta(days=40), views=9)  # too old
    days = engagement_per_day(today=today)
    assert len(days) == 30
    assert (days[0].day, days[-1].day) == (today - timedelta(days=29), today)
    assert days[-1].events == 7 and days[-3].events == 5
    assert sum(d.events for d in days) == 12


@pytest.mark.django_db
def test_sentiment_per_grid_item_reads_the_7_day_view():
    """Active positioned items in order, with their 7-day counts (zeros without reactions)."""
    topic = f.make_topic()
    item = f.make_grid_item(
        content_type="trending_topic",
        content_id=topic.pk,
        content_title="Loved",
        grid_position=1,
    )
    quiet = f.make_grid_item(grid_position=2, content_title="Quiet")
    f.make_grid_item(grid_position=3, is_active=False)
    f.make_rollup(
        content_id=topic.pk,
        hour=hours_ago(2),
        comments=2,
        reactions=3,
        positive=3,
        negative=1,
        neutral=1,
    )
    rows = sentiment_per_grid_item()
    assert [(r.item_id, r.positive, r.neutral, r.negative) for r in rows] == [
        (item.pk, 3, 1, 1),
        (quiet.pk, 0, 0, 0),
    ]


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (2, [0, 1, 2]),
        (5, [0, 1, 2, 3, 4, 5]),
        (6, [0, 2, 4, 6]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (11, [0, 5, 10, 15]),
        (230, [0, 50, 100, 150, 200, 250]),
        (501, [0, 200, 400, 600]),
        (12_345, [0, 5_000, 10_000, 15_000]),
    ],
)
def test_the_axis_counts_in_round_steps(highest, ticks):
    """The y axis counts from 0 in equal whole steps of 1, 2 or 5 times a power of ten, up to
    the first tick at or above the highest bar, in at most five intervals."""
    assert axis_ticks(highest) == ticks


@given(highest=st.integers(0, 10**12))
def test_any_axis_has_even_round_distinct_ticks_and_no_empty_interval_on_top(highest):
    """For any highest count: ticks from 0, evenly spaced by a whole 1, 2 or 5 x 10^k, at most
    five intervals, the top at or above the highest count but less than a step above it, and
    no smaller such step would do."""
    ticks = axis_ticks(highest)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and ticks == [step * n for n in range(len(ticks))]
    mantissa = step // 10 ** (len(str(step)) - 1)
    assert mantissa in (1, 2, 5) and step == mantissa * 10 ** (len(str(step)) - 1)
    assert 2 <= len(ticks) <= 6
    assert ticks[-1] >= highest and (highest == 0 or ticks[-1] - step < highest)
    smaller = [f * 10**k for k in range(len(str(step))) for f in (1, 2, 5) if f * 10**k < step]
    assert all(-(-highest // s) > 5 for s in smaller)


def test_five_events_read_0_to_5_not_0_2_5():
    """The dashboard's y axis with 5 events at most reads 0 / 1 / 2 / 3 / 4 / 5, its ticks
    evenly spaced (it read 0 / 2 / 5: a rounded half-way label)."""
    days = [DayCount(date(2026, 1, d), events) for d, events in ((1, 0), (2, 5), (3, 2))]
    chart = bar_chart(days, width=348, height=236)
    assert [tick.label for tick in chart.y_ticks] == ["0", "1", "2", "3", "4", "5"]
    gaps = {
        round(lower.position - upper.position, 6)
        for lower, upper in zip(chart.y_ticks, chart.y_ticks[1:], strict=False)
    }
    assert len(gaps) == 1


def test_bars_are_scaled_to_the_axis():
    """Bar heights are proportional to the values; the tallest fills the plot; all sit on the axis."""
    days = [DayCount(date(2026, 1, d), events) for d, events in ((1, 0), (2, 5), (3, 10))]
    chart = bar_chart(days, width=348, height=236)
    assert [bar.value for bar in chart.bars] == [0, 5, 10]
    plot_height = chart.bottom - chart.y_ticks[-1].position
    assert [bar.height for bar in chart.bars] == [0, plot_height / 2, plot_height]
    assert all(bar.y + bar.height == chart.bottom for bar in chart.bars)
    assert [tick.label for tick in chart.y_ticks] == ["0", "2", "4", "6", "8", "10"]
    assert chart.bars[2].x + chart.bars[2].width <= chart.width


def test_sentiment_segments_split_the_bar_by_counts():
    """Positive, neutral, negative in that order, widths proportional; no reactions, no bar."""
    row = ItemSentiment(1, 1, "x", positive=2, neutral=1, negative=1, positive_percent=50)
    segments = sentiment_segments(row, width=400)
    assert [(s.kind, s.x, s.width) for s in segments] == [
        ("positive", 0, 200),
        ("neutral", 200, 100),
        ("negative", 300, 100),
    ]
    assert sentiment_segments(ItemSentiment(2, 2, "y", 0, 0, 0, 50.0)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["editor", "auditor"])
def test_editors_and_auditors_see_the_charts(client, editor, auditor, who):
    """Two SVG charts drawn from the data, with no script and no external resource."""
    client.force_login({"editor": editor, "auditor": auditor}[who])
    topic = f.make_topic()
    f.make_grid_item(
        content_type="trending_topic", content_id=topic.pk, content_title="Liver", grid_position=1
    )
    f.make_rollup(content_id=topic.pk, hour=hours_ago(1), views=2, reactions=2, positive=2)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<rect class="bar"') == 30
    assert re.search(r"<title>\d{4}-\d\d-\d\d: 4 events</title>", html)
    assert '<rect class="positive"' in html and "<title>2 positive</title>" in html
    content = html.split('id="content"')[1]
    assert "<script" not in content
    assert not re.search(r'(src|href)="https?://', content)


@pytest.mark.django_db
def test_readers_and_staff_without_a_group_may_not(client):
    """Readers are sent to the login page; staff without a group are refused."""
    client.force_login(f.make_user())
    assert client.get(DASHBOARD)["Location"].startswith("/admin/login/")
    client.force_login(f.make_user(is_staff=True))
    assert client.get(DASHBOARD).status_code == 403
