"""The grid refresh: positions from scores, ties, pins, inactive items, decay, the view, concurrency."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from grid.models import BentoGridItem, GridRefreshRun, RefreshTrigger
from grid.services import grid_item_pin, grid_refresh
from tests import factories as f


def item(score, **fields) -> BentoGridItem:
    """A grid item for a new topic, ranked by its base score (no events)."""
    topic = f.make_topic(engagement_score=Decimal(score))
    return f.make_grid_item(
        content_type="trending_topic",
        content_id=topic.id,
        content_title=topic.topic_name,
        base_score=Decimal(score),
        **fields,
    )


def positions() -> dict[int, int | None]:
    return dict(BentoGridItem.objects.values_list("id", "grid_position"))


def homepage_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT slot, id, tile FROM homepage_grid ORDER BY slot")
        return cursor.fetchall()


@pytest.mark.django_db
def test_positions_follow_scores_and_the_view_holds_the_top_seven():
    """A refresh positions items by score; homepage_grid holds the top seven with their tiles."""
    items = [item(score) for score in (40, 95, 70, 10, 88, 55, 60, 33, 20, 80)]
    result = grid_refresh(trigger=RefreshTrigger.COMMAND)
    by_score = sorted(items, key=lambda i: -i.base_score)
    assert [positions()[i.id] for i in by_score] == list(range(1, 11))
    assert result.items_ranked == 10 and result.new_hero_id == by_score[0].id
    rows = homepage_rows()
    assert [(slot, item_id) for slot, item_id, _ in rows] == [
        (n + 1, i.id) for n, i in enumerate(by_score[:7])
    ]
    assert [tile for _, _, tile in rows] == ["hero"] + ["featured"] * 4 + ["standard"] * 2


@pytest.mark.django_db
def test_ties_go_to_the_newer_item():
    """Of two items with equal scores, the newer one gets the better position."""
    now = timezone.now()
    older = item(50, created_at=now - timedelta(days=2))
    newer = item(50, created_at=now - timedelta(days=1))
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    assert (positions()[newer.id], positions()[older.id]) == (1, 2)


@pytest.mark.django_db
def test_pinned_items_keep_their_position():
    """Pinned items keep their positions; the others fill the rest by score."""
    low = item(5)
    high, middle, other = item(90), item(50), item(40)
    grid_item_pin(item=low, position=1)
    grid_item_pin(item=middle, position=4)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    assert positions() == {low.id: 1, high.id: 2, other.id: 3, middle.id: 4}
    assert homepage_rows()[0][1] == low.id


@pytest.mark.django_db
def test_inactive_items_are_excluded():
    """An inactive item loses its position and is not on the homepage."""
    shown, hidden = item(60), item(99, is_active=False, grid_position=1)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    assert positions() == {shown.id: 1, hidden.id: None}
    assert [row[1] for row in homepage_rows()] == [shown.id]


@pytest.mark.django_db
def test_grid_slots_sets_the_size_of_the_view(settings):
    """GRID_SLOTS sets how many tiles homepage_grid holds."""
    settings.GRID_SLOTS = 3
    for score in range(10, 60, 5):
        item(score)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    assert [row[0] for row in homepage_rows()] == [1, 2, 3]


@pytest.mark.django_db
def test_items_whose_readers_left_the_window_fall_back_to_their_prior():
    """Last week's readers ranked an item first; once their votes are older than 7 days, the
    refresh recomputes its figures (no readers' points left) and its prior ranks it."""
    was_hot, steady = item(20), item(50)
    BentoGridItem.objects.filter(pk=was_hot.pk).update(
        engagement_score=99,
        events_24h=30,
        views_24h=30,
        events_7d=30,
        reader_weight_7d=1000,  # 30 points for readers: first place, as scored then
        scored_at=timezone.now() - timedelta(days=8),
    )
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    was_hot.refresh_from_db()
    assert (was_hot.engagement_score, was_hot.events_7d, was_hot.reader_weight_7d) == (
        Decimal("0.00"),
        0,
        0,
    )
    assert (positions()[steady.id], positions()[was_hot.id]) == (1, 2)


@pytest.mark.django_db
def test_each_run_is_recorded():
    """Each refresh records its trigger, old and new hero, items moved and timing."""
    first, second = item(30), item(60)
    grid_item_pin(item=first, position=1)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    BentoGridItem.objects.filter(pk=first.pk).update(is_pinned=False)
    result = grid_refresh(trigger=RefreshTrigger.API)
    run = GridRefreshRun.objects.get(pk=result.run_id)
    assert (run.old_hero_id, run.new_hero_id, run.items_moved, run.triggered_by) == (
        first.id,
        second.id,
        2,
        "api",
    )
    assert run.duration_ms > 0 and run.finished_at >= run.started_at


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_concurrent_refreshes_never_interleave():
    """Four refreshes at once: each runs alone (their runs do not overlap) and all succeed."""
    for score in range(5, 100, 7):
        item(score)
    failures = []

    def refresh():
        try:
            grid_refresh(trigger=RefreshTrigger.SCHEDULE)
        except Exception as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    runs = list(
        GridRefreshRun.objects.order_by("started_at").values_list("started_at", "finished_at")
    )
    assert len(runs) == 4
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(runs))
    assert [row[0] for row in homepage_rows()] == list(range(1, 8))
