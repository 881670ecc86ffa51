"""The reader's page: the homepage Bento Grid at `/`, rendered by Django templates.

The tiles come from the selectors behind the API, in their order: `grid_homepage()` as
GET /api/grid/ serves it, re-scored by `grid_personalized()` for a signed-in reader as
GET /api/grid/personalized/ does. The page is complete without JavaScript; `homepage.js`
records what readers do with it (views, clicks, shares, bookmarks) through
POST /api/engagement/. Only same-origin files are loaded (CSS, JS), so a strict CSP fits;
thumbnails come from the addresses in the items' data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime

from grid.models import ContentType
from grid.selectors import (
    Reactions,
    grid_homepage,
    grid_personalized,
    grid_reactions_7d,
    interest_tags_of,
)

HERO_POSITIONS = 1
FEATURED_POSITIONS = 5  # positions 2..5
TAGS_SHOWN = {"hero": 5, "featured": 4, "standard": 3}
# Columns of the grid at desktop and tablet widths (homepage.css); the closing note fills
# what the last row leaves free.
WIDE_COLUMNS, MEDIUM_COLUMNS = 4, 2
CELLS = {"hero": 4, "featured": 2, "standard": 1}


def tile_size(position: int) -> str:
    """hero (2x2) at position 1, featured (2x1) at 2-5, standard (1x1) after."""
    if position <= HERO_POSITIONS:
        return "hero"
    return "featured" if position <= FEATURED_POSITIONS else "standard"


def compact_number(value: int) -> str:
    """1234 -> "1.2k", 56789 -> "57k", 2500000 -> "2.5M"."""
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= limit:
            scaled = value / limit
            text = f"{scaled:.1f}" if scaled < 10 else f"{scaled:.0f}"
            return text.removesuffix(".0") + suffix
    return str(value)


def counted(value: int, noun: str) -> str:
    return f"{compact_number(value)} {plural(value, noun)}"


def plural(value: int, noun: str) -> str:
    return noun if value == 1 else f"{noun}s"


@dataclass(frozen=True)
class Count:
    """One of a tile's figures: its icon, the figure, and the noun (hidden on small tiles)."""

    kind: str
    figure: str
    noun: str = ""


def web_address(value) -> str | None:
    """`value` if it is an http(s) address, else None (data is imported: trust no scheme)."""
    if isinstance(value, str) and urlsplit(value).scheme in ("http", "https"):
        return value
    return None


@dataclass(frozen=True)
class Tile:
    """One grid item as the page shows it, at its position on this reader's page."""

    item: dict
    position: int
    reactions: Reactions

    @property
    def size(self) -> str:
        return tile_size(self.position)

    @property
    def data(self) -> dict:
        return self.item["data"]

    @property
    def is_video(self) -> bool:
        return self.item["content_type"] == ContentType.TOP_VIDEO

    @property
    def kind(self) -> str:
        return "Video" if self.is_video else ContentType(self.item["content_type"]).label

    @property
    def href(self) -> str:
        """Where the tile leads: the video on YouTube, the item's own address, or for a topic
        (this site has no topic page) YouTube's videos about it."""
        own = web_address(self.data.get("url"))
        if own:
            return own
        if self.is_video and self.data.get("video_id"):
            return "https://www.youtube.com/watch?" + urlencode({"v": self.data["video_id"]})
        return "https://www.youtube.com/results?" + urlencode({"search_query": self.item["title"]})

    @property
    def thumbnail_url(self) -> str | None:
        return web_address(self.data.get("thumbnail_url"))

    @property
    def thumbnail_alt(self) -> str:
        return f"Video thumbnail: {self.item['title']}"

    @property
    def byline(self) -> list[str]:
        """The creator and the video's views on YouTube; a topic's week."""
        parts = []
        if self.data.get("creator"):
            parts.append(self.data["creator"])
        if isinstance(self.data.get("views"), int):
            parts.append(f"{counted(self.data['views'], 'view')} on YouTube")
        week_of = parse_date(self.data["week_of"]) if self.data.get("week_of") else None
        if not self.is_video and week_of:
            parts.append(f"Week of {week_of:%-d %b %Y}")
        return parts

    @property
    def tags(self) -> list[str]:
        return self.item["tags"][: TAGS_SHOWN[self.size]]

    @property
    def counts(self) -> list[Count]:
        """The readers' figures on this site, sentiment last."""
        if self.reactions.total:
            sentiment = Count("sentiment", f"{self.reactions.positive_percent}% positive")
        else:
            sentiment = Count("sentiment", "no reactions yet")
        figures = [
            Count(kind, compact_number(self.item[field]), plural(self.item[field], noun))
            for kind, field, noun in (
                ("views", "view_count", "view"),
                ("shares", "share_count", "share"),
                ("bookmarks", "bookmark_count", "bookmark"),
            )
        ]
        return [*figures, sentiment]

    @property
    def picked_for_reader(self) -> bool:
        return self.item.get("personalization_boost", 0) > 0


def closing_note_spans(tiles: list[Tile]) -> tuple[int, int]:
    """Columns the closing note spans at desktop and tablet widths: what the last row of
    tiles leaves free, or the whole row when it is full."""
    cells = sum(CELLS[tile.size] for tile in tiles)
    return (
        (-cells) % WIDE_COLUMNS or WIDE_COLUMNS,
        (-cells) % MEDIUM_COLUMNS or MEDIUM_COLUMNS,
    )


def homepage_view(request):
    """The Bento Grid as a reader sees it (personalised for a signed-in reader)."""
    document = grid_homepage().document()
    items = document["items"]
    signed_in = request.user.is_authenticated
    if signed_in:
        items = grid_personalized(items, interest_tags_of(request.user))
    reactions = grid_reactions_7d(items)
    tiles = [
        Tile(item, position, reactions.get((item["content_type"], item["content_id"]), Reactions()))
        for position, item in enumerate(items, start=1)
    ]
    refreshed_at: datetime | None = (
        parse_datetime(document["refreshed_at"]) if document["refreshed_at"] else None
    )
    wide_span, medium_span = closing_note_spans(tiles)
    context = {
        "tiles": tiles,
        "refreshed_at": refreshed_at,
        "signed_in": signed_in,
        "personalised": signed_in and any(tile.picked_for_reader for tile in tiles),
        # Signed-in readers' events carry the session cookie, so they need the CSRF token
        # (homepage.js sends it in a header); anonymous readers' events need none.
        "csrf_token_for_events": get_token(request) if signed_in else None,
        "note_span_wide": wide_span,
        "note_span_medium": medium_span,
    }
    response = render(request, "grid/homepage.html", context)
    # Personal (the reader's grid, a CSRF token): no shared cache may keep it. The public
    # figures are cached as GET /api/grid/ (README, "CORS and CDN caching").
    patch_cache_control(response, private=True, no_cache=True)
    return response
