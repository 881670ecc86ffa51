"""The reader's page in a real browser: Debian's Chromium, headless, driven by Playwright.

On the sample week (README command 1's data): the tiles are those of GET /api/grid/ in its order,
laid out as a Bento Grid down to a phone; what a reader does with them (views, a click, a
share, a bookmark and its undo) reaches `content_engagement`, also as a signed-in reader; the
console stays clean; images have alt text, headings are in order and every tile is reachable
with Tab.
Screenshots at desktop and phone widths are saved under var/artifacts/.

The browser reaches nothing but the test server: YouTube's thumbnails and pages are stubbed
here (the machine has no network), and any other address is refused and reported.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import yaml
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from engagement.models import ContentEngagement
from grid.models import BentoGridItem, RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f
from tests.browser import screenshot
from tests.engagement.readers import connect, drain_everything
from trending.weekly_import.run import sample_week_import

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A reader's Chromium: the API drops events from user agents naming a headless browser, as it
# drops crawlers' (engagement/bots.py), so the test browser introduces itself as a reader's.
READER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/156.0.0.0 Safari/537.36"
)
THUMBNAILS = "https://i.ytimg.com/"
YOUTUBE = "https://www.youtube.com/"


def thumbnail(url: str) -> bytes:
    """A 16:9 picture standing in for a YouTube thumbnail, its colours drawn from the URL."""
    digest = hashlib.sha256(url.encode()).digest()
    hue = digest[0] * 360 // 256
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180">'
        '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="hsl({hue},55%,32%)"/>'
        f'<stop offset="1" stop-color="hsl({(hue + 40) % 360},65%,55%)"/></linearGradient></defs>'
        '<rect width="320" height="180" fill="url(#g)"/>'
        f'<circle cx="{60 + digest[1] % 200}" cy="{40 + digest[2] % 100}" r="{40 + digest[3] % 50}"'
        ' fill="rgba(255,255,255,0.14)"/>'
        '<path d="M146 72v36l30-18z" fill="rgba(255,255,255,0.85)"/></svg>'
    ).encode()


@dataclass
class ReaderPage:
    page: Page
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """Nothing went to the console as an error, and nothing was fetched from elsewhere
        (once the page's last requests, its events among them, have been answered)."""
        self.page.wait_for_load_state("networkidle")
        assert self.console_errors == []
        assert self.foreign_requests == []

    def tile(self, position: int):
        return self.page.locator(f".tile[data-position='{position}']")

    def tile_ids(self) -> list[int]:
        return self.page.locator(".tile[data-item-id]").evaluate_all(
            "tiles => tiles.map(tile => Number(tile.dataset.itemId))"
        )

    def api_ids(self, path: str = "/api/grid/") -> list[int]:
        """The item ids the API gives this browser (its cookies included)."""
        return [item["id"] for item in self.page.request.get(path).json()["items"]]


@pytest.fixture
def sample_week(transactional_db):
    """The sample week imported and ranked, as `manage.py up` leaves it."""
    sample_week_import()
    grid_refresh(trigger=RefreshTrigger.COMMAND)


@pytest.fixture
def open_homepage(browser: Browser, live_server) -> Iterator[Callable[..., ReaderPage]]:
    """Open `/` in a new browser context: a reader's user agent, YouTube stubbed, and the page
    served with the Content-Security-Policy `csp` if one is given."""
    contexts = []

    def open_(*, viewport=DESKTOP, cookies=(), csp: str | None = None, **options) -> ReaderPage:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, user_agent=READER_USER_AGENT, **options
        )
        contexts.append(context)
        reader = ReaderPage(context.new_page())

        def answer(route):
            url = route.request.url
            if csp and url == f"{live_server.url}/":
                page = route.fetch()
                route.fulfill(
                    response=page, headers={**page.headers, "content-security-policy": csp}
                )
            elif url.startswith(live_server.url):
                route.continue_()
            elif url.startswith(THUMBNAILS):
                route.fulfill(body=thumbnail(url), content_type="image/svg+xml")
            elif url.startswith(YOUTUBE):
                route.fulfill(
                    body="<!doctype html><title>YouTube</title>", content_type="text/html"
                )
            else:
                reader.foreign_requests.append(url)
                route.abort()

        context.route("**/*", answer)
        if cookies:
            context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
        reader.page.set_default_timeout(15_000)
        reader.page.on(
            "console",
            lambda message: (
                reader.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        reader.page.on("pageerror", lambda error: reader.console_errors.append(str(error)))
        reader.page.goto("/")
        return reader

    yield open_
    for context in contexts:
        context.close()


def eventually(check: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Wait until `check()` holds (the page's beacons arrive on the server's own thread)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def events(interaction: str) -> list[ContentEngagement]:
    return list(ContentEngagement.objects.filter(interaction_type=interaction).order_by("id"))


def count_everything() -> None:
    """Run the rollup until every event stored is counted into the figures."""
    with connect() as conn:
        drain_everything(conn)


def content_of(reader: ReaderPage, position: int) -> tuple[str, int]:
    tile = reader.tile(position)
    return tile.get_attribute("data-content-type"), int(tile.get_attribute("data-content-id"))


def show_every_picture(page: Page) -> None:
    """Scroll down as a reader would, so that lazy thumbnails load, then back to the top."""
    for tile in page.locator(".tile[data-item-id]").all():
        tile.scroll_into_view_if_needed()
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.evaluate("window.scrollTo(0, 0)")


def boxes(reader: ReaderPage) -> list[dict]:
    return [tile.bounding_box() for tile in reader.page.locator(".tile[data-item-id]").all()]


@pytest.mark.django_db(transaction=True)
def test_the_tiles_are_the_apis_in_order_and_each_shown_tile_counts_one_view(
    sample_week, open_homepage
):
    """Desktop: the API's items in its order as hero 2x2, featured 2x1, standard 1x1; every
    tile scrolled into view is recorded as one view, however often it is seen again."""
    reader = open_homepage(viewport=DESKTOP)
    assert reader.tile_ids() == reader.api_ids()
    assert len(reader.tile_ids()) == 7

    hero, featured, *_ = boxes(reader)
    standard = boxes(reader)[5]
    assert hero["height"] > 1.9 * featured["height"]  # two rows against one
    assert featured["width"] > 1.9 * standard["width"]  # two columns against one
    assert abs(hero["width"] - featured["width"]) < 2

    positions = range(1, 8)
    for position in positions:
        reader.tile(position).scroll_into_view_if_needed()
    shown = {content_of(reader, position) for position in positions}
    eventually(lambda: {(e.content_type, e.content_id) for e in events("view")} == shown)
    reader.page.mouse.wheel(0, -5000)
    reader.page.mouse.wheel(0, 5000)
    reader.page.wait_for_timeout(800)
    views = events("view")
    assert len(views) == 7  # once per tile and page
    assert all(e.event_uuid and e.user_id is None for e in views)
    assert sorted(e.metadata["position"] for e in views) == list(positions)

    show_every_picture(reader.page)
    screenshot(reader.page, "homepage-desktop.png")
    reader.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_a_click_anywhere_on_a_tile_follows_its_link_and_stores_a_click(sample_week, open_homepage):
    """The whole tile is its link: a click on its picture leads to the video, and the click
    reaches content_engagement although the page is left at once (a beacon)."""
    reader = open_homepage()
    tile = reader.tile(3)
    content = content_of(reader, 3)
    href = tile.locator(".tile-link").get_attribute("href")
    assert href.startswith(YOUTUBE)
    picture = tile.locator(".tile-media").bounding_box()
    reader.page.mouse.click(picture["x"] + picture["width"] / 2, picture["y"] + 20)
    reader.page.wait_for_url(href)

    eventually(lambda: len(events("click")) == 1)
    (click,) = events("click")
    assert (click.content_type, click.content_id) == content
    assert (click.metadata["position"], click.metadata["tile"]) == (3, "featured")
    assert click.user_id is None
    reader.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_share_copies_the_link_and_bookmark_toggles(sample_week, open_homepage):
    """Share copies the tile's link and stores a share; Bookmark stores a bookmark, and the
    tile still shows it bookmarked after a reload; pressed again (from the keyboard) it stores
    an unbookmark and shows the tile not bookmarked, also after a reload; and the tile's figures
    count no bookmark: the same browser's undo took it back."""
    reader = open_homepage(permissions=["clipboard-read", "clipboard-write"])
    tile = reader.tile(2)
    content = content_of(reader, 2)

    share = tile.locator("[data-action='share']")
    share.click()
    expect(share).to_contain_text("Link copied")
    copied = reader.page.evaluate("navigator.clipboard.readText()")
    assert copied == tile.locator(".tile-link").get_attribute("href")
    eventually(lambda: [(e.content_type, e.content_id) for e in events("share")] == [content])

    bookmark = tile.locator("[data-action='bookmark']")
    bookmark.click()
    expect(bookmark).to_have_attribute("aria-pressed", "true")
    expect(bookmark).to_contain_text("Bookmarked")
    expect(bookmark).to_be_focused()  # a keyboard reader keeps their place
    eventually(lambda: [(e.content_type, e.content_id) for e in events("bookmark")] == [content])

    reader.page.reload()
    bookmark = reader.tile(2).locator("[data-action='bookmark']")
    expect(bookmark).to_have_attribute("aria-pressed", "true")
    expect(bookmark).to_contain_text("Bookmarked")
    bookmark.focus()
    reader.page.keyboard.press("Enter")  # pressed again: the bookmark is taken back
    expect(bookmark).to_have_attribute("aria-pressed", "false")
    expect(bookmark).to_contain_text("Bookmark")
    eventually(lambda: [(e.content_type, e.content_id) for e in events("unbookmark")] == [content])

    reader.page.reload()
    expect(reader.tile(2).locator("[data-action='bookmark']")).to_have_attribute(
        "aria-pressed", "false"
    )
    reader.page.wait_for_timeout(500)
    assert (len(events("bookmark")), len(events("unbookmark"))) == (1, 1)
    (bookmarked,) = {e.reader_key for e in events("bookmark") + events("unbookmark")}
    assert bookmarked is not None  # one reader: the undo counts for the bookmark's reader
    count_everything()
    assert (
        BentoGridItem.objects.get(content_type=content[0], content_id=content[1]).bookmark_count
        == 0
    )
    reader.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_quick_presses_of_bookmark_are_stored_in_the_order_pressed(sample_week, open_homepage):
    """Bookmark pressed three times at once (bookmark, unbookmark, bookmark): the events are
    stored in that order, each sent once the one before was answered, so one bookmark stands."""
    reader = open_homepage()
    content = content_of(reader, 3)
    bookmark = reader.tile(3).locator("[data-action='bookmark']")
    bookmark.evaluate("button => { button.click(); button.click(); button.click(); }")
    expect(bookmark).to_have_attribute("aria-pressed", "true")
    # The browser's requests pass this test's router (open_homepage) only while Playwright is
    # called: wait in the page until the last of the chained requests is answered.
    reader.page.wait_for_load_state("networkidle")
    eventually(lambda: len(events("bookmark")) + len(events("unbookmark")) == 3)
    stored = ContentEngagement.objects.filter(
        content_type=content[0], content_id=content[1], interaction_type__endswith="bookmark"
    ).order_by("id")
    assert [e.interaction_type for e in stored] == ["bookmark", "unbookmark", "bookmark"]
    count_everything()
    assert (
        BentoGridItem.objects.get(content_type=content[0], content_id=content[1]).bookmark_count
        == 1
    )
    reader.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_reader_gets_the_personalised_grid_and_their_own_events(
    sample_week, open_homepage
):
    """Signed in (session cookie): the order of GET /api/grid/personalized/, matches marked
    "For you", and a click is stored as the reader's (sent with the page's CSRF token)."""
    reader_account = f.make_user(username="rita")
    f.make_interest(
        user=reader_account,
        interests=["Thanksgiving", "Brisket"],
        interest_tags=["thanksgiving", "turkey", "carnivoreholiday", "brisket", "ovenbrisket"],
    )
    session = Client()
    session.force_login(reader_account)
    cookie = session.cookies["sessionid"]
    reader = open_homepage(cookies=[{"name": "sessionid", "value": cookie.value}])

    personalised = reader.api_ids("/api/grid/personalized/")
    assert personalised != reader.api_ids()  # the interests do reorder the sample week
    assert reader.tile_ids() == personalised
    expect(reader.page.locator(".tile-for-you")).to_have_count(2)
    expect(reader.page.locator(".masthead-meta")).to_contain_text("Picked for your interests")

    content = content_of(reader, 1)
    reader.tile(1).locator(".tile-link").click()
    reader.page.wait_for_url(f"{YOUTUBE}**")
    eventually(lambda: len(events("click")) == 1)
    (click,) = events("click")
    assert ((click.content_type, click.content_id), click.user_id) == (content, reader_account.id)
    reader.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_tiles_stack_in_one_column(sample_week, open_homepage):
    """390 px wide: one column in the API's order, nothing wider than the screen."""
    reader = open_homepage(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    assert reader.tile_ids() == reader.api_ids()
    tiles = boxes(reader)
    assert {round(box["x"]) for box in tiles} == {round(tiles[0]["x"])}
    assert {round(box["width"]) for box in tiles} == {round(tiles[0]["width"])}
    assert all(b["y"] > a["y"] + a["height"] for a, b in itertools.pairwise(tiles))
    overflow = reader.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    show_every_picture(reader.page)
    screenshot(reader.page, "homepage-phone.png")
    reader.assert_clean()


def accessibility_nodes(snapshot: str) -> list[tuple[str, str | None, int | None]]:
    """(role, name, level) of each node of Playwright's aria snapshot (YAML), in page order."""
    nodes = []

    def node(text: str) -> None:
        found = re.fullmatch(r'([a-z]+)(?: "((?:[^"\\]|\\.)*)")?(?: \[level=(\d)\])?.*', text)
        if found:
            role, name, level = found.groups()
            nodes.append((role, name, int(level) if level else None))

    def walk(value) -> None:
        if isinstance(value, list):
            for child in value:
                walk(child)
        elif isinstance(value, dict):
            for key, child in value.items():
                node(key)
                walk(child)
        elif isinstance(value, str):
            node(value)

    walk(yaml.safe_load(snapshot))
    return nodes


@pytest.mark.django_db(transaction=True)
def test_the_page_is_accessible_and_every_tile_is_reachable_with_tab(sample_week, open_homepage):
    """The accessibility tree names every image, its headings go h1 then an h2 per tile without
    skipping a level, and Tab reaches each tile's link, in order, then its buttons."""
    reader = open_homepage()
    nodes = accessibility_nodes(reader.page.locator("body").aria_snapshot())

    images = [name for role, name, _ in nodes if role == "img"]
    assert len(images) == reader.page.locator("img").count() > 0
    assert all(name.startswith("Video thumbnail: ") for name in images)

    headings = [(level, name) for role, name, level in nodes if role == "heading"]
    levels = [level for level, _ in headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    titles = reader.page.locator(".tile-title").all_inner_texts()
    assert [name for level, name in headings if level == 2][: len(titles)] == titles

    reached: list[tuple[int, str]] = []
    for _ in range(100):  # once round the page: until the first tile link comes back
        reader.page.keyboard.press("Tab")
        focused = reader.page.evaluate(
            """() => {
                const element = document.activeElement;
                const tile = element.closest('.tile[data-item-id]');
                return tile ? [Number(tile.dataset.itemId), element.className] : null;
            }"""
        )
        if focused and reached and (focused[0], focused[1].split()[0]) == reached[0]:
            break
        if focused:
            reached.append((focused[0], focused[1].split()[0]))
    links = [item for item, kind in reached if kind == "tile-link"]
    assert links == reader.api_ids()
    for item in links:
        assert [kind for i, kind in reached if i == item] == [
            "tile-link",
            "tile-action",
            "tile-action",
        ]
    reader.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_page_reads_whole_and_shows_no_dead_buttons(
    sample_week, open_homepage
):
    """JavaScript off: every tile, title and figure is there; the buttons that need the
    script are not."""
    reader = open_homepage(java_script_enabled=False)
    assert reader.tile_ids() == reader.api_ids()
    for tile in reader.page.locator(".tile[data-item-id]").all():
        expect(tile.locator(".tile-title")).to_be_visible()
        expect(tile.locator(".tile-counts")).to_contain_text("no reactions yet")
        expect(tile.locator(".tile-actions")).to_be_hidden()
    reader.assert_clean()


# Scripts, styles, connections and everything else from this site only; the thumbnails from
# YouTube's image host, where the imported data points.
STRICT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https://i.ytimg.com;"
    " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.django_db(transaction=True)
def test_the_page_works_under_a_strict_content_security_policy(sample_week, open_homepage):
    """No inline script or style and nothing from another site but thumbnails: under a strict
    CSP nothing is refused, the script runs and its events are sent."""
    reader = open_homepage(csp=STRICT_CSP)
    reader.page.evaluate(
        """() => {
            window.refused = [];
            document.addEventListener('securitypolicyviolation',
                event => window.refused.push(event.violatedDirective + ' ' + event.blockedURI));
        }"""
    )
    show_every_picture(reader.page)
    bookmark = reader.tile(4).locator("[data-action='bookmark']")
    bookmark.click()
    expect(bookmark).to_have_attribute("aria-pressed", "true")
    eventually(lambda: len(events("bookmark")) == 1)
    assert reader.page.evaluate("window.refused") == []
    assert reader.page.evaluate("Array.from(document.images).every(i => i.naturalWidth > 0)")
    reader.assert_clean()
