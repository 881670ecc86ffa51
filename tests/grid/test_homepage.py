"""The reader's page at `/`, read as HTML without a browser (and so without JavaScript).

Its tiles are those of GET /api/grid/ (GET /api/grid/personalized/ for a signed-in reader) in
the same order, sized by position, each with its title, link, picture or placeholder, tags and
readers' figures; nothing on it needs a script, and it loads nothing inline.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from grid.models import RefreshTrigger
from grid.selectors import Reactions, grid_reactions_7d
from grid.services import grid_refresh
from grid.views import compact_number
from tests import factories as f
from tests.conftest import drain, statements_sent
from tests.grid.conftest import topic_item


@dataclass
class TileSeen:
    attrs: dict
    title: str = ""
    href: str = ""
    images: list[dict] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    """What the page shows: its tiles, headings, scripts, styles and elements left hidden."""

    def __init__(self):
        super().__init__()
        self.tiles: list[TileSeen] = []
        self.headings: list[tuple[int, str]] = []
        self.scripts: list[dict] = []
        self.inline_styles: list[str] = []
        self.hidden: list[dict] = []
        self.metas: list[dict] = []
        self._open: list[str] = []
        self._tile_depth: int | None = None
        self._heading: int | None = None
        self._item: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ("img", "meta", "link", "br", "input", "path"):
            self._open.append(tag)
        classes = (attrs.get("class") or "").split()
        if "style" in attrs or tag == "style":
            self.inline_styles.append(tag)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "meta":
            self.metas.append(attrs)
        if "hidden" in attrs:
            self.hidden.append(attrs)
        if tag == "article" and "tile" in classes:
            self.tiles.append(TileSeen(attrs))
            self._tile_depth = len(self._open)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        tile = self.tiles[-1] if self._tile_depth is not None else None
        if tile is None:
            return
        if tag == "a" and "tile-link" in classes:
            tile.href = attrs["href"]
        if tag == "img":
            tile.images.append(attrs)
        if tag == "li" and ("count" in classes or self._open[-2:-1] == ["ul"]):
            self._item = "count" if "count" in classes else "tag"
            (tile.counts if self._item == "count" else tile.tags).append("")

    def handle_endtag(self, tag):
        if tag == "li":
            self._item = None
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = None
        if self._tile_depth is not None and len(self._open) == self._tile_depth:
            self._tile_depth = None
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text:
            return
        if self._heading is not None:
            level, heading = self.headings[-1]
            self.headings[-1] = (level, f"{heading} {text}".strip())
        if self._tile_depth is None:
            return
        tile = self.tiles[-1]
        tile.text.append(text)
        if self._heading == 2:
            tile.title = f"{tile.title} {text}".strip()
        if self._item == "count":
            tile.counts[-1] = f"{tile.counts[-1]} {text}".strip()
        elif self._item == "tag":
            tile.tags[-1] = f"{tile.tags[-1]} {text}".strip()


def read_page(response) -> PageReader:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    reader = PageReader()
    reader.feed(response.content.decode())
    return reader


def tile_ids(page: PageReader) -> list[int]:
    return [int(tile.attrs["data-item-id"]) for tile in page.tiles]


def test_the_tiles_are_those_of_the_api_in_its_order(client, homepage):
    """Same items, same order, same titles as GET /api/grid/."""
    api = client.get("/api/grid/").json()["items"]
    page = read_page(client.get("/"))
    assert tile_ids(page) == [item["id"] for item in api]
    assert [tile.title for tile in page.tiles] == [item["title"] for item in api]


def test_tiles_are_sized_by_position(client, homepage):
    """Position 1 is the 2x2 hero, 2-5 are featured (2x1), the rest standard (1x1)."""
    page = read_page(client.get("/"))
    sizes = [tile.attrs["data-size"] for tile in page.tiles]
    assert sizes == ["hero", "featured", "featured", "featured", "featured", "standard", "standard"]
    assert [int(tile.attrs["data-position"]) for tile in page.tiles] == list(range(1, 8))


def test_the_page_reads_whole_without_javascript(client, homepage):
    """Headings in order (one h1, an h2 per tile), every tile a link with its figures; the
    only script is a same-origin file, nothing inline, and the buttons that need the script
    stay hidden without it."""
    page = read_page(client.get("/"))
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert [text for level, text in page.headings if level == 2][: len(page.tiles)] == [
        tile.title for tile in page.tiles
    ]
    for tile in page.tiles:
        assert tile.href.startswith("https://")
        assert [re.sub(r"^[\d.]+[kM]? ", "N ", c) for c in tile.counts] == [
            "N views",
            "N shares",
            "N bookmarks",
            "no reactions yet",
        ]
    assert page.scripts == [{"src": "/static/grid/homepage.js", "defer": None}]
    assert page.inline_styles == []
    assert {attrs.get("class") for attrs in page.hidden} == {"tile-actions"}
    assert len(page.hidden) == len(page.tiles)


def test_a_video_shows_its_thumbnail_and_a_topic_a_placeholder(client, transactional_db):
    """A video's tile has its thumbnail (with alt text) and leads to YouTube; a topic without a
    picture gets the placeholder panel, never an <img> without a source."""
    video = f.make_video(title="Reverse-seared ribeye", thumbnail_url="")
    f.make_grid_item(
        content_type="top_video",
        content_id=video.id,
        content_title=video.title,
        base_score=90,
        data={
            "tags": ["ribeye", "steak"],
            "video_id": "abcDEF12345",
            "thumbnail_url": "https://i.ytimg.com/vi/abcDEF12345/mqdefault.jpg",
            "creator": "Prairie Ribeye Kitchen",
            "views": 241380,
        },
    )
    topic_item(80, tags=["organ-meats"])
    grid_refresh(trigger=RefreshTrigger.COMMAND)

    video_tile, topic_tile = read_page(client.get("/")).tiles
    assert video_tile.images == [
        {
            "src": "https://i.ytimg.com/vi/abcDEF12345/mqdefault.jpg",
            "alt": "Video thumbnail: Reverse-seared ribeye",
            "width": "320",
            "height": "180",
            "decoding": "async",
            "referrerpolicy": "no-referrer",
        }
    ]
    assert video_tile.href == "https://www.youtube.com/watch?v=abcDEF12345"
    assert video_tile.tags == ["#ribeye", "#steak"]
    assert "Prairie Ribeye Kitchen · 241k views on YouTube" in video_tile.text
    assert topic_tile.images == []
    assert "Trending topic" in topic_tile.text and "Week of 23 Nov 2026" in topic_tile.text
    assert topic_tile.tags == ["#organ-meats"]


def test_reactions_show_as_percent_positive_and_none_as_no_reactions_yet(client, homepage):
    """Two positive reactions and a negative comment of 7 days read "67% positive"; views alone
    are no reactions, whatever the blueprint's share of positive events says."""
    hero, second = homepage[0], homepage[1]
    for sentiment, kind in (
        ("positive", "reaction"),
        ("positive", "reaction"),
        ("negative", "comment"),
    ):
        f.make_engagement(  # each reader's own: a reader's next reaction replaces their last
            content_type=hero.content_type,
            content_id=hero.content_id,
            interaction_type=kind,
            sentiment=sentiment,
            user=f.make_user(),
        )
    for _ in range(3):
        f.make_engagement(content_type=second.content_type, content_id=second.content_id)
    assert drain() == 6

    tiles = {int(t.attrs["data-item-id"]): t for t in read_page(client.get("/")).tiles}
    assert tiles[hero.id].counts[-1] == "67% positive"
    assert tiles[second.id].counts[-1] == "no reactions yet"


def test_a_signed_in_reader_sees_the_personalised_grid(client, homepage):
    """The order of GET /api/grid/personalized/, items matching the reader's interests marked
    "For you", and the CSRF token their events need."""
    reader = f.make_user()
    f.make_interest(
        user=reader,
        interests=["Health"],
        interest_tags=["beginners", "health", "recipes", "budget"],
    )
    client.force_login(reader)
    personalised = client.get("/api/grid/personalized/").json()["items"]
    public = client.get("/api/grid/").json()["items"]
    assert [i["id"] for i in personalised] != [i["id"] for i in public]  # the test means something

    page = read_page(client.get("/"))
    assert tile_ids(page) == [item["id"] for item in personalised]
    for_you = [int(t.attrs["data-item-id"]) for t in page.tiles if "For you" in t.text]
    assert for_you == [i["id"] for i in personalised if i["personalization_boost"] > 0]
    assert next(m for m in page.metas if m.get("name") == "csrf-token")["content"]


def test_an_anonymous_reader_gets_no_cookie_and_no_token(client, homepage):
    """Anonymous readers' events need no CSRF token: the page sets no cookie and may not be
    kept by a shared cache."""
    response = client.get("/")
    assert not response.cookies
    assert not [m for m in read_page(response).metas if m.get("name") == "csrf-token"]
    assert response["Cache-Control"] == "private, no-cache"


def test_with_the_grid_cached_the_page_costs_one_statement(client, homepage):
    """An anonymous reader's page reads only the tiles' reactions once the grid is cached."""
    client.get("/api/grid/")
    with statements_sent() as sent:
        read_page(client.get("/"))
    assert len(sent) == 1 and "engagement_sentiment_7d" in sent[0]


def test_an_empty_grid_says_so(client, db):
    """Before any item is ranked the page explains itself instead of showing an empty frame."""
    page = read_page(client.get("/"))
    assert page.tiles == []
    assert (2, "Nothing ranked yet") in page.headings


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1k"),
        (1234, "1.2k"),
        (9960, "10k"),
        (56789, "57k"),
        (241380, "241k"),
        (2_500_000, "2.5M"),
    ],
)
def test_counts_are_shown_compactly(value, shown):
    """Large counts read as 1.2k or 2.5M, small ones as they are."""
    assert compact_number(value) == shown


def test_reactions_are_read_for_exactly_the_tiles_items(db):
    """The lookup filters by types and ids separately (so the view's index is used): an item
    matching one of each, but not shown, is left out."""
    shown_topic, shown_video = f.make_topic(id=1001), f.make_video(id=1002)
    hidden_topic = f.make_topic(id=1002)  # same id as the video, another type
    for content_type, content_id in (("trending_topic", 1001), ("trending_topic", 1002)):
        f.make_engagement(
            content_type=content_type,
            content_id=content_id,
            interaction_type="reaction",
            sentiment="positive",
        )
    assert drain() == 2
    items = [
        {"content_type": "trending_topic", "content_id": shown_topic.id},
        {"content_type": "top_video", "content_id": shown_video.id},
    ]
    assert grid_reactions_7d(items) == {("trending_topic", 1001): Reactions(positive=1)}
    assert hidden_topic.id == 1002
