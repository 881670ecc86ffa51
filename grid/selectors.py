"""Reads of the grid app: the homepage (cached), personalisation, readers' interests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from psycopg import sql

HOMEPAGE_CACHE_KEY = "homepage_grid:v1"
# Without Redis every web process has its own cache, which a refresh elsewhere cannot clear:
# there the cached homepage lives one minute. With REDIS_URL, each refresh clears it at once;
# five minutes still bound how long a clear lost to a Redis outage can leave it stale.
HOMEPAGE_CACHE_SECONDS_LOCAL = 60
HOMEPAGE_CACHE_SECONDS_SHARED = 300
PERSONAL_BOOST_PER_TAG = 5
PERSONAL_BOOST_MAX = 20

_HOMEPAGE_COLUMNS = (
    "id",
    "slot",
    "tile",
    "content_type",
    "content_id",
    "title",
    "score",
    "score_source",
    "engagement_score",
    "base_score",
    "view_count",
    "share_count",
    "bookmark_count",
    "positive_sentiment_percent",
    "is_pinned",
    "tags",
    "data",
    "refreshed_at",
)
# Expects no index: homepage_grid holds at most GRID_SLOTS (<= 100) rows, read whole (a
# sequential scan) and sorted in memory. Its one index, the unique homepage_grid_id on id, is
# what REFRESH MATERIALIZED VIEW CONCURRENTLY needs, not this read.
_HOMEPAGE_QUERY = sql.SQL("SELECT {columns} FROM homepage_grid ORDER BY slot").format(
    columns=sql.SQL(", ").join(map(sql.Identifier, _HOMEPAGE_COLUMNS))
)


@dataclass(frozen=True)
class Homepage:
    """The public grid, serialised once: the body every reader gets, and its ETag."""

    body: bytes
    etag: str

    def document(self) -> dict:
        return json.loads(self.body)


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def grid_homepage_from_database() -> Homepage:
    """Read `homepage_grid` (by slot) and serialise it, with an ETag of its items.

    From the primary, even in a GET with a replica configured: a refresh clears the cache, and
    a refill from a replica still behind it would keep serving the old grid for the cache's
    lifetime."""
    with connection.cursor() as cursor:
        cursor.execute(_HOMEPAGE_QUERY.as_string(cursor.connection))
        rows = cursor.fetchall()
    items = []
    refreshed_at = None
    for row in rows:
        item = {name: _number(value) for name, value in zip(_HOMEPAGE_COLUMNS, row, strict=True)}
        item["data"] = json.loads(item["data"])  # Django's cursors hand jsonb over as text
        refreshed_at = item.pop("refreshed_at")
        items.append(item)
    document = {"items": items, "refreshed_at": refreshed_at.isoformat() if refreshed_at else None}
    body = json.dumps(document, separators=(",", ":")).encode()
    # The ETag follows the items only: a refresh that changes nothing keeps it.
    items_json = json.dumps(items, separators=(",", ":")).encode()
    return Homepage(body=body, etag=f'"{hashlib.sha256(items_json).hexdigest()[:32]}"')


def grid_homepage() -> Homepage:
    """The public grid from the cache, read from the database on a miss."""
    homepage = cache.get(HOMEPAGE_CACHE_KEY)
    if homepage is None:
        homepage = grid_homepage_from_database()
        cache.set(HOMEPAGE_CACHE_KEY, homepage, timeout=homepage_cache_seconds())
    return homepage


def homepage_cache_seconds() -> int:
    from django.conf import settings

    return HOMEPAGE_CACHE_SECONDS_SHARED if settings.REDIS_URL else HOMEPAGE_CACHE_SECONDS_LOCAL


def grid_cache_invalidate() -> None:
    """Forget the cached homepage (after a refresh)."""
    cache.delete(HOMEPAGE_CACHE_KEY)


def personal_boost(item_tags: list[str], interest_tags: set[str]) -> int:
    """+5 per tag the item shares with the reader's interests, at most +20."""
    return min(PERSONAL_BOOST_MAX, PERSONAL_BOOST_PER_TAG * len(set(item_tags) & interest_tags))


def grid_personalized(items: list[dict], interest_tags: set[str]) -> list[dict]:
    """Re-score the public grid's items for a reader: boosted, capped at 100, re-sorted.

    Ties keep the public order. Each item reports its `personalization_boost`.
    """
    personalised = []
    for item in items:
        boost = personal_boost(item["tags"], interest_tags)
        personalised.append(
            {
                **item,
                "public_score": item["score"],
                "score": min(100.0, round(item["score"] + boost, 2)),
                "personalization_boost": boost,
            }
        )
    personalised.sort(key=lambda item: (-item["score"], item["slot"]))
    return personalised


def interest_tags_of(user) -> set[str]:
    """The reader's active interest tags (read under their own role: only their row).

    From the primary, as the reader's sign-in was: a reader sees their interests as just saved,
    and the request needs no second connection."""
    if not user.is_authenticated:
        return set()
    with connection.cursor() as cursor:
        # One row at most, by the unique index on user_id (user_interests_user_id_key).
        cursor.execute(
            "SELECT interest_tags FROM user_interests WHERE user_id = %s AND is_active", [user.pk]
        )
        row = cursor.fetchone()
    return set(row[0]) if row else set()


def grid_items_week_counts(ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Return each item's events and positive events of the last 7 days (`events_7d`,
    `positive_7d`, kept by the scoring trigger), by id; one query by primary key."""
    from grid.models import BentoGridItem

    return {
        pk: (events, positive)
        for pk, events, positive in BentoGridItem.objects.filter(pk__in=list(ids)).values_list(
            "pk", "events_7d", "positive_7d"
        )
    }
