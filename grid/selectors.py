"""Reads of the grid app: the homepage (cached), personalisation, readers' interests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import caches
from django.db import connection
from psycopg import sql

HOMEPAGE_CACHE_KEY = "homepage_grid:v2"
# Every web process shares the cache (settings.CACHES["homepage"]: Redis, or files on this
# machine), so a refresh clears it for all at once; five minutes still bound how long a clear
# lost to a Redis outage can leave it stale.
HOMEPAGE_CACHE_SECONDS = 300
PERSONAL_BOOST_PER_TAG = 5
PERSONAL_BOOST_MAX = 20

_HOMEPAGE_COLUMNS = (
    "id",
    "slot",
    "tile",
    "content_type",
    "content_id",
    "title",
    "week_of",
    "score",
    "prior",
    "readers",
    "age_penalty",
    "rank_score",
    "reader_weight_7d",
    "engagement_score",
    "base_score",
    "view_count",
    "share_count",
    "bookmark_count",
    "positive_sentiment_percent",
    "events_7d",
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
        item["week_of"] = item["week_of"].isoformat() if item["week_of"] else None
        refreshed_at = item.pop("refreshed_at")
        item["ranking"] = {
            "prior": item.pop("prior"),
            "readers": item.pop("readers"),
            "age_penalty": item.pop("age_penalty"),
            "boost": 0,
            "pinned": item["is_pinned"],
            "rank_score": item.pop("rank_score"),
        }
        items.append(item)
    document = {"items": items, "refreshed_at": refreshed_at.isoformat() if refreshed_at else None}
    body = json.dumps(document, separators=(",", ":")).encode()
    # The ETag follows the items only: a refresh that changes nothing keeps it.
    items_json = json.dumps(items, separators=(",", ":")).encode()
    return Homepage(body=body, etag=f'"{hashlib.sha256(items_json).hexdigest()[:32]}"')


def grid_homepage() -> Homepage:
    """The public grid from the cache, read from the database on a miss."""
    cache = caches["homepage"]
    homepage = cache.get(HOMEPAGE_CACHE_KEY)
    if homepage is None:
        homepage = grid_homepage_from_database()
        cache.set(HOMEPAGE_CACHE_KEY, homepage, timeout=HOMEPAGE_CACHE_SECONDS)
    return homepage


def grid_cache_invalidate() -> None:
    """Forget the cached homepage, in every web process (after a refresh)."""
    caches["homepage"].delete(HOMEPAGE_CACHE_KEY)


def personal_boost(item_tags: list[str], interest_tags: set[str]) -> int:
    """+5 per tag the item shares with the reader's interests, at most +20."""
    return min(PERSONAL_BOOST_MAX, PERSONAL_BOOST_PER_TAG * len(set(item_tags) & interest_tags))


def grid_personalized(items: list[dict], interest_tags: set[str]) -> list[dict]:
    """Re-score the public grid's items for a reader: each item's rank_score plus its boost
    (in the ranking's points, grid/sql/grid_rank.sql), re-sorted. Pinned items keep their slot;
    the others fill the remaining slots by boosted score, ties in the public order. Each item
    reports its `personalization_boost`, also in its `ranking`.
    """
    boosted = []
    for item in items:
        boost = personal_boost(item["tags"], interest_tags)
        rank_score = round(item["ranking"]["rank_score"] + boost, 4)
        boosted.append(
            {
                **item,
                "public_score": item["score"],
                "score": round(rank_score, 2),
                "personalization_boost": boost,
                "ranking": {**item["ranking"], "boost": boost, "rank_score": rank_score},
            }
        )
    pinned = {item["slot"]: item for item in boosted if item["is_pinned"]}
    others = iter(
        sorted(
            (item for item in boosted if not item["is_pinned"]),
            key=lambda item: (-item["ranking"]["rank_score"], item["slot"]),
        )
    )
    return [pinned[slot] if slot in pinned else next(others) for slot in range(1, len(boosted) + 1)]


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


@dataclass(frozen=True)
class GridItemSource:
    """The grid row a piece of content should have (the view grid_item_sources)."""

    content_type: str
    content_id: int
    content_title: str
    base_score: Decimal
    week_of: date | None
    is_active: bool
    data: dict


def grid_item_sources(contents: list[tuple[str, int]]) -> dict[tuple[str, int], GridItemSource]:
    """Return, by (content_type, content_id), the grid row each piece of content should have,
    from the one place grid rows are built (grid/sql/grid_item_sources.sql); content the caller
    cannot see is left out."""
    if not contents:
        return {}
    types, ids = zip(*contents, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.content_type, s.content_id, s.content_title, s.base_score, s.week_of,"
            " s.is_active, s.data FROM grid_item_sources s"
            " JOIN unnest(%s::text[], %s::bigint[]) AS k (content_type, content_id)"
            " ON k.content_type = s.content_type AND k.content_id = s.content_id",
            [list(types), list(ids)],
        )
        rows = cursor.fetchall()
    sources = {}
    for content_type, content_id, title, base_score, week_of, is_active, data in rows:
        sources[content_type, content_id] = GridItemSource(
            content_type, content_id, title, base_score, week_of, is_active, json.loads(data)
        )
    return sources


@dataclass(frozen=True)
class Reactions:
    """Readers' reactions to one piece of content over the last 7 days: events that carry a
    sentiment (reactions, and comments with one)."""

    positive: int = 0
    negative: int = 0
    neutral: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.negative + self.neutral

    @property
    def positive_percent(self) -> int | None:
        """The positive share of the reactions, rounded; None without any."""
        return round(100 * self.positive / self.total) if self.total else None


def grid_reactions_7d(items: list[dict]) -> dict[tuple[str, int], Reactions]:
    """Return the 7-day reactions of the grid's items, by (content_type, content_id).

    Read from `engagement_sentiment_7d`, the public per-content aggregate that
    GET /api/engagement/sentiment/ serves (counts only, nothing personal); the items' own
    `positive_sentiment_percent` is a share of all their events, views included, and reads 50
    with none, so it cannot tell a reader whether anyone reacted.
    """
    if not items:
        return {}
    wanted = {(item["content_type"], item["content_id"]) for item in items}
    with connection.cursor() as cursor:
        # Plain conditions on the view's grouping keys reach below its GROUP BY, so only these
        # items' rollups are read, by engagement_rollups_content_hour (a semi-join on the pairs
        # would aggregate every item's week first). The pairs are picked out below.
        cursor.execute(
            "SELECT content_type, content_id, positive, negative, neutral"
            " FROM engagement_sentiment_7d"
            " WHERE content_type = ANY(%s::varchar[]) AND content_id = ANY(%s::bigint[])",
            [sorted({kind for kind, _ in wanted}), sorted({key for _, key in wanted})],
        )
        return {
            (content_type, content_id): Reactions(positive, negative, neutral)
            for content_type, content_id, positive, negative, neutral in cursor.fetchall()
            if (content_type, content_id) in wanted
        }


def grid_items_week_counts(ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Return each item's events and positive events of the last 7 days (`events_7d`,
    `positive_7d`, kept by the engagement rollup), by id; one query by primary key."""
    from grid.models import BentoGridItem

    return {
        pk: (events, positive)
        for pk, events, positive in BentoGridItem.objects.filter(pk__in=list(ids)).values_list(
            "pk", "events_7d", "positive_7d"
        )
    }
