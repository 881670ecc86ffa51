"""The back office in a real browser: Debian's Chromium, headless, driven by Playwright.

An editor pins an item to position 1 and sees it as the hero of the preview; an auditor opens
an audit entry, sees the diff and finds nothing to edit; with the sample week imported, the
grid and audit lists fit their boxes, the preview's tiles show their thumbnails and clip
nothing, and an entry's history button leads to its record's history. Screenshots of these
pages are saved under var/artifacts/.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from audit.models import AuditLog
from carnivore.db_context import admin_identity, run_as
from grid.models import BentoGridItem, RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f
from tests.browser import screenshot
from trending.models import TrendingTopic
from trending.weekly_import.run import sample_week_import

PASSWORD = "a-long-password-1"


def placeholder_png(width: int = 320, height: int = 180) -> bytes:
    """A PNG of a diagonal gradient, standing in for a thumbnail (the tests go offline)."""
    rows = b"".join(
        b"\0" + bytes(value for x in range(width) for value in (120 + (x + y) % 120, 70, 50))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 1000}
    )
    # Thumbnails live on YouTube's servers: answer for them, whatever the network.
    thumbnail = placeholder_png()
    context.route(
        "https://i.ytimg.com/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=thumbnail),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page: Page, username: str, next_url: str) -> None:
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_url}")


@pytest.mark.django_db(transaction=True)
def test_editor_pins_an_item_to_position_1_and_sees_it_as_the_hero(page: Page):
    """Position 1 typed in the grid list pins the item; "refresh now" shows it as the 2x2 hero."""
    f.make_editor(username="eddie", password=PASSWORD, is_staff=True)
    for score in (90, 80, 70, 60, 50, 40):
        topic = f.make_topic(topic_name=f"Topic scored {score}", engagement_score=Decimal(score))
        f.make_grid_item(
            content_id=topic.id,
            content_title=topic.topic_name,
            base_score=Decimal(score),
            data={"tags": ["budget"]},
        )
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    target = BentoGridItem.objects.get(content_title="Topic scored 40")
    assert target.grid_position == 6

    log_in(page, "eddie", "/admin/grid/bentogriditem/")
    row = page.locator(
        "#result_list tbody tr", has=page.get_by_role("link", name=target.content_title)
    )
    row.locator("input[name$='-grid_position']").fill("1")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "refresh_now")
    page.click("button[name=index]")
    page.wait_for_url("**/admin/grid/bentogriditem/preview/")
    expect(page.locator(".messagelist")).to_contain_text("Grid refreshed")

    hero = page.locator("article[data-slot='1']")
    expect(hero).to_have_attribute("data-item-id", str(target.id))
    expect(hero).to_have_attribute("data-tile", "hero")
    expect(hero).to_contain_text(target.content_title)
    expect(hero).to_contain_text("pinned")
    featured = page.locator("article[data-slot='2']")
    expect(featured).to_have_attribute("data-tile", "featured")
    standard = page.locator("article[data-slot='6']")
    expect(standard).to_have_attribute("data-tile", "standard")
    hero_box, featured_box, standard_box = (
        tile.bounding_box() for tile in (hero, featured, standard)
    )
    assert hero_box["height"] > 1.8 * featured_box["height"]  # 2 rows against 1
    assert featured_box["width"] > 1.8 * standard_box["width"]  # 2 columns against 1
    assert abs(hero_box["width"] - featured_box["width"]) < 2
    screenshot(page, "admin-grid-preview.png")

    target.refresh_from_db()
    assert (target.is_pinned, target.grid_position) == (True, 1)


@pytest.mark.django_db(transaction=True)
def test_auditor_reads_a_diff_and_finds_no_edit_control(page: Page):
    """The audit entry of an edit shows old and new values side by side, changed rows marked,
    and the page has no button, field or link that changes anything."""
    editor = f.make_editor(username="eddie", is_staff=True)
    f.make_auditor(username="audrey", password=PASSWORD, is_staff=True)
    topic = f.make_topic(topic_name="Organ meats on a budget", description="First draft")
    with run_as(admin_identity(editor)):
        TrendingTopic.objects.filter(pk=topic.pk).update(
            topic_name="Organ meats on a shoestring", description="Edited by Eddie"
        )

    log_in(page, "audrey", "/admin/audit/auditlog/")
    page.goto("/admin/audit/auditlog/?table_name=trending_topics&operation__exact=UPDATE")
    entries = page.locator("#result_list tbody tr")
    expect(entries).to_have_count(1)
    entries.first.locator("th a").click()

    diff = page.locator("#audit-diff")
    expect(diff).to_be_visible()
    name_row = diff.locator("tr[data-field='topic_name']")
    expect(name_row).to_have_class("changed")
    expect(name_row.locator("td.old")).to_have_text("Organ meats on a budget")
    expect(name_row.locator("td.new")).to_have_text("Organ meats on a shoestring")
    expect(diff.locator("tr[data-field='topic_slug']")).not_to_have_class("changed")
    expect(page.locator("#content-main")).to_contain_text("eddie")

    form = page.locator("#auditlog_form")
    expect(form.locator("input:not([type=hidden]), textarea, select")).to_have_count(0)
    content = page.locator("#content")  # the header's only button signs out
    expect(content.locator("input[type=submit], button")).to_have_count(0)
    expect(content.locator("a.deletelink, a.addlink, a.changelink")).to_have_count(0)
    screenshot(page, "admin-audit-diff.png")


def overflow_of(page: Page, selector: str) -> int:
    """How many pixels the element's content is wider than the element (0: it fits)."""
    return page.locator(selector).evaluate("e => Math.max(0, e.scrollWidth - e.clientWidth)")


@pytest.mark.django_db(transaction=True)
def test_with_the_sample_week_the_lists_fit_and_the_preview_clips_nothing(page: Page):
    """With the sample week imported, readers' reactions and an editor's edit: the grid list and
    the audit list fit their boxes at 1400 px with one line per grid item (long titles cut,
    whole on hover); the audit list names what an update changed; the preview's tiles show
    their thumbnails, clip neither footer nor tags, and say "no reactions yet" where there was
    no event in 7 days; an audit entry's history button opens its record's history."""
    f.make_user(username="boss", password=PASSWORD, is_staff=True, is_superuser=True)
    editor = f.make_editor(username="eddie", is_staff=True)
    sample_week_import()
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    hero = BentoGridItem.objects.get(grid_position=1)
    BentoGridItem.objects.filter(pk=hero.pk).update(is_pinned=True)  # stays the hero
    for sentiment in ("positive", "positive", "negative"):  # three readers' reactions
        f.make_engagement(
            content_type=hero.content_type,
            content_id=hero.content_id,
            interaction_type="reaction",
            sentiment=sentiment,
            user=f.make_user(),
        )
    topic = TrendingTopic.objects.order_by("id").first()
    with run_as(admin_identity(editor)):
        TrendingTopic.objects.filter(pk=topic.pk).update(
            topic_name=f"{topic.topic_name} (edited)", description="Edited by Eddie"
        )
    grid_refresh(trigger=RefreshTrigger.COMMAND)

    log_in(page, "boss", "/admin/grid/bentogriditem/")
    assert overflow_of(page, "#changelist .results") == 0
    rows = page.locator("#result_list tbody tr")
    heights = rows.evaluate_all("rows => rows.map(row => row.getBoundingClientRect().height)")
    assert len(heights) == BentoGridItem.objects.count() > 7
    assert max(heights) < 60  # one line each: a wrapped title made rows of 4-5 lines
    titles = page.locator("#result_list .grid-title")
    cut = titles.evaluate_all(
        "spans => spans.filter(s => s.scrollWidth > s.clientWidth).map(s => s.title)"
    )
    assert cut and set(cut) <= set(BentoGridItem.objects.values_list("content_title", flat=True))
    expect(page.locator("#result_list thead th.column-is_active")).to_be_in_viewport()
    screenshot(page, "admin-grid-list.png")

    page.goto("/admin/grid/bentogriditem/preview/")
    tiles = page.locator("article.tile")
    expect(tiles).to_have_count(7)
    clipped = tiles.evaluate_all(
        """tiles => tiles.filter(tile => {
             const box = tile.getBoundingClientRect();
             const last = tile.querySelector('.tile-meta').getBoundingClientRect();
             return tile.scrollHeight > tile.clientHeight + 1 || last.bottom > box.bottom + 1;
           }).map(tile => tile.dataset.slot)"""
    )
    assert clipped == []
    thumbnails = page.locator("article.tile img.tile-thumb")
    expect(thumbnails.first).to_be_visible()
    loaded = thumbnails.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert loaded and all(width == 320 for width in loaded)
    expect(page.locator("article[data-slot='1'] .sentiment")).to_be_visible()
    expect(page.locator("article[data-slot='2']")).to_contain_text("no reactions yet")
    expect(page.locator("article.tile .sentiment")).to_have_count(1)
    screenshot(page, "admin-grid-preview-sample-week.png")

    page.goto("/admin/audit/auditlog/")
    assert overflow_of(page, "#changelist .results") == 0
    update = AuditLog.objects.get(table_name="trending_topics", operation="UPDATE")
    row = page.locator("#result_list tbody tr", has=page.get_by_role("link", name=str(update.pk)))
    expect(row.locator("td.field-changed")).to_have_text("2: description, topic_name")
    screenshot(page, "admin-audit-list.png")

    row.get_by_role("link", name=str(update.pk)).click()
    page.get_by_role("link", name=f"History of trending_topics #{topic.pk}").click()
    page.wait_for_url(f"**/admin/audit/auditlog/?table_name=trending_topics&record_id={topic.pk}")
    expect(page.locator("#result_list tbody tr")).to_have_count(
        AuditLog.objects.filter(table_name="trending_topics", record_id=str(topic.pk)).count()
    )


# Every kind of page the back office shows, and the API's Swagger UI: each must load under the
# Content-Security-Policy without a single violation (Chromium reports each on the console).
CSP_PAGES = [
    "/admin/",
    "/admin/dashboard/",
    "/admin/grid/bentogriditem/",
    "/admin/grid/bentogriditem/preview/",
    "/admin/grid/bentogriditem/{item}/change/",
    "/admin/trending/trendingtopic/add/",
    "/admin/audit/auditlog/",
    "/admin/audit/auditlog/{entry}/change/",
    "/admin/carnivore/user/add/",
    "/admin/authtoken/tokenproxy/add/",
    "/admin/password_change/",
]


@pytest.mark.django_db(transaction=True)
def test_the_pages_load_under_the_content_security_policy(page: Page):
    """The back office's pages and /api/docs/ run their scripts and styles with nothing refused:
    the policy allows what they load, and they load nothing inline."""
    f.make_user(username="boss", password=PASSWORD, is_staff=True, is_superuser=True)
    topic = f.make_topic(topic_name="Organ meats on a budget")
    item = f.make_grid_item(content_id=topic.id, content_title=topic.topic_name)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    entry = AuditLog.objects.filter(table_name="bento_grid_items").latest("id")
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )

    log_in(page, "boss", "/admin/")
    for url in CSP_PAGES:
        response = page.goto(url.format(item=item.pk, entry=entry.pk))
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    operation = page.locator(".opblock").first  # the schema was fetched and drawn
    operation.locator(".opblock-summary").click()
    expect(operation.locator(".responses-wrapper")).to_be_visible()  # highlighted examples
    screenshot(page, "api-docs.png")

    assert violations == []
