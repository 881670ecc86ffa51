"""The score rules of the weekly import (0..100, 2 decimals), and the order videos rank in.

- Topic score when the file gives no `engagement_score`: `max(10, 100 - 10 * (rank - 1))`
  (rank 1 -> 100, 2 -> 90, ..., never below 10).
- Video base score: `100 * ln(1 + views) / ln(1 + max_views)`, `max_views` being the most viewed
  video of the same crawl, rounded half up to 2 decimals: the crawl's most viewed video scores
  100, a video with 0 views 0, and when every video has 0 views all score 0. Videos rank by
  views (descending), ties by `published_at` (newest first, none last), then `video_id`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from trending.parsers.entries import VideoEntry
from trending.parsers.validation import Invalid, kind_of

_CENT = Decimal("0.01")


def topic_score_for_rank(rank: int) -> Decimal:
    """Return the score of a topic the file gives none for: `max(10, 100 - 10 * (rank - 1))`."""
    return Decimal(max(10, 100 - 10 * (rank - 1))).quantize(_CENT)


def video_score_for_views(views: int, max_views: int) -> Decimal:
    """Return a video's base score, `100 * ln(1 + views) / ln(1 + max_views)`, to 2 decimals.

    Args:
        views: the video's views.
        max_views: the views of the most viewed video of the same crawl (`>= views`).
    """
    if max_views <= 0:
        return Decimal(0).quantize(_CENT)
    return _two_decimals(100 * math.log1p(views) / math.log1p(max_views))


def score_given(value: Any, path: str) -> Decimal:
    """Return the score a file gives, checked to be a number from 0 to 100, to 2 decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(path, f"expected a number from 0 to 100, got {kind_of(value)}")
    if not 0 <= value <= 100:  # NaN fails this test too
        raise Invalid(path, f"expected a number from 0 to 100, got {value}")
    return _two_decimals(value)


def _two_decimals(number: float) -> Decimal:
    # Through str() so that 87.455 rounds to 87.46 as written, not as its binary approximation.
    return Decimal(str(number)).quantize(_CENT, ROUND_HALF_UP)


def videos_ranked(videos: list[dict]) -> tuple[VideoEntry, ...]:
    """Return a crawl's videos as entries, ranked and scored by the rules above."""
    ordered = sorted(videos, key=_rank_key)
    max_views = ordered[0]["views"] if ordered else 0
    return tuple(
        VideoEntry(**fields, rank=rank, score=video_score_for_views(fields["views"], max_views))
        for rank, fields in enumerate(ordered, start=1)
    )


def _rank_key(fields: dict) -> tuple[int, float, str]:
    published_at = fields["published_at"]
    newest_first = -published_at.timestamp() if published_at else math.inf
    return -fields["views"], newest_first, fields["video_id"]
