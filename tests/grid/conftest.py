"""Fixtures of the grid tests: a clean cache, and a refreshed homepage of topic items."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import caches

from grid.models import BentoGridItem, RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f


@pytest.fixture(autouse=True)
def empty_cache():
    caches["homepage"].clear()


def topic_item(score, tags=(), **fields) -> BentoGridItem:
    """A grid item for a new trending topic, with `score` as its base score."""
    topic = f.make_topic(engagement_score=Decimal(score), tags=list(tags))
    return f.make_grid_item(
        content_type="trending_topic",
        content_id=topic.id,
        content_title=topic.topic_name,
        base_score=Decimal(score),
        data={"tags": list(tags), "week_of": "2026-11-23"},
        **fields,
    )


@pytest.fixture
def homepage(transactional_db):
    """Nine active items, refreshed: the homepage shows the best seven.

    Committed for real (transactional_db): a refresh clears the cached grid once it commits,
    and requests then run exactly as in production.
    """
    items = [
        topic_item(score, tags=tags)
        for score, tags in [
            (95, ["budget"]),
            (90, ["science"]),
            (80, ["recipes", "budget"]),
            (70, ["science", "health"]),
            (60, ["recipes"]),
            (50, ["budget", "recipes", "science", "health", "beginners"]),
            (40, []),
            (30, ["budget"]),
            (20, ["science"]),
        ]
    ]
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    return items
