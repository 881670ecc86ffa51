"""Editors curate the grid in the admin: positions, pins, hides, the refresh and the preview.

Every change goes through the grid services under the editor's database identity, so the audit
log names them; what the database refuses (two pins at one position) comes back as a message
on a normal page.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils.html import escape

from audit.models import AuditLog
from carnivore.staff_admin import NOT_ALLOWED
from engagement.services import engagement_rollup_drain
from grid.models import BentoGridItem, GridRefreshRun, RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f
from tests.admin.conftest import list_edit, post_action
from tests.conftest import statements_sent

GRID = "/admin/grid/bentogriditem/"
MINUS = "\N{MINUS SIGN}"  # between readers and age penalty in the preview


def ranked_items(*scores: int) -> list[BentoGridItem]:
    """Active items with these base scores, ranked by a refresh (positions 1, 2, ...)."""
    items = []
    for score in scores:
        topic = f.make_topic(topic_name=f"Scored {score}", engagement_score=Decimal(score))
        items.append(
            f.make_grid_item(
                content_id=topic.id, content_title=topic.topic_name, base_score=Decimal(score)
            )
        )
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    for item in items:
        item.refresh_from_db()
    return items


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_typing_a_position_pins_the_item_there(editor_client, editor):
    """A position typed in the list pins the item at it; the audit log names the editor."""
    first, second, third = ranked_items(90, 80, 70)
    response = editor_client.post(
        GRID, list_edit(first, second, third, **{str(third.pk): {"grid_position": 1}})
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert (third.grid_position, third.is_pinned) == (1, True)
    change = AuditLog.objects.filter(
        table_name="bento_grid_items", record_id=str(third.pk), operation="UPDATE"
    ).latest("id")
    assert change.changed_by == editor.pk
    assert (change.old_values["is_pinned"], change.new_values["is_pinned"]) == (False, True)
    assert (change.old_values["grid_position"], change.new_values["grid_position"]) == (3, 1)


@pytest.mark.django_db
def test_one_edit_of_position_pinned_and_active_is_one_update(editor_client):
    """Unticking pinned, typing a position and hiding in one edit: all three stick, written by
    one UPDATE (one audit row)."""
    (item,) = ranked_items(50)
    item.is_pinned = True
    item.save(update_fields=["is_pinned"])
    before = AuditLog.objects.filter(table_name="bento_grid_items", record_id=str(item.pk))
    audit_rows = before.count()
    changes = {"is_pinned": False, "grid_position": 4, "is_active": False}
    response = editor_client.post(GRID, list_edit(item, **{str(item.pk): changes}))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.is_pinned, item.grid_position, item.is_active) == (False, 4, False)
    assert before.count() == audit_rows + 1


@pytest.mark.django_db
def test_unticking_pinned_hands_the_item_back_to_the_refresh(editor_client):
    """Unpinning keeps the current position until the refresh places the item again."""
    (item,) = ranked_items(50)
    item.is_pinned = True
    item.save(update_fields=["is_pinned"])
    editor_client.post(GRID, list_edit(item, **{str(item.pk): {"is_pinned": False}}))
    item.refresh_from_db()
    assert (item.is_pinned, item.grid_position) == (False, 1)


@pytest.mark.django_db
def test_actions_pin_unpin_hide_and_show(editor_client):
    """Each action changes exactly the selected items, through the grid services."""
    first, second = ranked_items(90, 80)
    response = post_action(editor_client, GRID, "pin", first, second)
    assert "Pinned 2." in messages_of(response)[0]
    assert set(BentoGridItem.objects.values_list("is_pinned", "grid_position")) == {
        (True, 1),
        (True, 2),
    }
    post_action(editor_client, GRID, "unpin", second)
    post_action(editor_client, GRID, "hide", first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_pinned, first.is_active) == (True, False)
    assert (second.is_pinned, second.is_active) == (False, True)
    post_action(editor_client, GRID, "show", first)
    first.refresh_from_db()
    assert first.is_active


@pytest.mark.django_db
def test_the_list_shows_each_items_tile_as_the_homepage_serves_it(editor_client):
    """Tiles come from the refreshed homepage: an item ranked past its slots, or hidden, has none."""
    *on_homepage, eighth, hidden = ranked_items(95, 90, 80, 70, 60, 50, 40, 30, 20)
    BentoGridItem.objects.filter(pk=hidden.pk).update(is_active=False)
    html = editor_client.get(GRID).content.decode()
    tiles = re.findall(r'<td class="field-tile">([^<]*)</td>', html)
    assert sorted(tiles) == sorted(
        ["hero 2x2"] + ["featured 2x1"] * 4 + ["standard 1x1"] * 2 + ["—"] * 2
    )
    assert len(on_homepage) == 7 and eighth.grid_position == 8


def constraint_message(name: str) -> str:
    """The words a grid constraint is reported in (`violation_error_message`)."""
    (constraint,) = [c for c in BentoGridItem._meta.constraints if c.name == name]
    return constraint.get_violation_error_message()


# A list edit the constraints forbid, and the constraint the editor is told about.
FORBIDDEN_EDITS = [
    ({"grid_position": 1, "is_pinned": True}, "bento_grid_items_one_pin_per_position"),
    ({"grid_position": "", "is_pinned": True}, "bento_grid_items_pinned_has_position"),
    ({"grid_position": 101}, "bento_grid_items_position_1_100"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "constraint"), FORBIDDEN_EDITS)
def test_a_forbidden_list_edit_is_shown_as_an_error_and_changes_nothing(
    editor_client, change, constraint
):
    """Two pins at one position, a pin without a position, a position past 100: the list
    comes back with the reason, and no row changes."""
    first, second = ranked_items(90, 80)
    first.is_pinned = True
    first.save(update_fields=["is_pinned"])
    response = editor_client.post(GRID, list_edit(first, second, **{str(second.pk): change}))
    assert response.status_code == 200
    assert constraint_message(constraint) in response.content.decode()
    second.refresh_from_db()
    assert (second.grid_position, second.is_pinned) == (2, False)


@pytest.mark.django_db
def test_an_action_the_database_refuses_is_a_message_and_changes_nothing(editor_client):
    """Pinning where another item is pinned: the database refuses, the whole action rolls
    back (the other selected item too), and the editor reads why on the list."""
    pinned, free, clashing = ranked_items(90, 80, 70)
    BentoGridItem.objects.filter(pk=pinned.pk).update(is_pinned=True)
    BentoGridItem.objects.filter(pk=clashing.pk).update(grid_position=1)
    response = post_action(editor_client, GRID, "pin", free, clashing)
    assert response.status_code == 200
    assert response.redirect_chain == [(GRID, 302)]
    expected = constraint_message("bento_grid_items_one_pin_per_position")
    assert messages_of(response) == [f"Nothing was changed: {expected}"]
    assert list(BentoGridItem.objects.filter(is_pinned=True)) == [pinned]


@pytest.mark.django_db
def test_a_title_edit_writes_only_the_title(editor_client):
    """The change form saves the fields it changed, never its stale copy of the scores."""
    (item,) = ranked_items(60)
    page = f"{GRID}{item.pk}/change/"
    form = {
        "content_title": "A better title",
        "data": "{}",
        "grid_position": "1",
        "is_active": "on",
    }
    with statements_sent() as sent:
        response = editor_client.post(page, form)
    assert response.status_code == 302
    updates = [s for s in sent if s.startswith('UPDATE "bento_grid_items"')]
    assert len(updates) == 1
    assert '"content_title"' in updates[0]
    assert "view_count" not in updates[0] and "engagement_score" not in updates[0]
    item.refresh_from_db()
    assert item.content_title == "A better title"


@pytest.mark.django_db
def test_refresh_now_ranks_the_grid_and_shows_the_preview(
    editor_client, editor, django_capture_on_commit_callbacks
):
    """The action refreshes (recorded as the editor's), then the preview shows the new hero."""
    high, low = ranked_items(90, 40)
    editor_client.post(GRID, list_edit(high, low, **{str(low.pk): {"grid_position": 1}}))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(editor_client, GRID, "refresh_now", low, follow=False)
    assert response.status_code == 302
    assert response["Location"] == f"{GRID}preview/"
    run = GridRefreshRun.objects.get(triggered_by="admin")
    assert run.requested_by_id == editor.pk

    preview = editor_client.get(f"{GRID}preview/").content.decode()
    slots = re.findall(r'data-slot="(\d+)" data-tile="(\w+)" data-item-id="(\d+)"', preview)
    assert slots == [("1", "hero", str(low.pk)), ("2", "featured", str(high.pk))]


@pytest.mark.django_db
def test_the_preview_shows_what_the_api_serves(editor_client, client):
    """Tiles in the order, sizes, titles and scores of GET /api/grid/."""
    ranked_items(95, 90, 80, 70, 60, 50, 40, 30)
    api_items = client.get("/api/grid/").json()["items"]
    html = editor_client.get(f"{GRID}preview/").content.decode()
    slots = re.findall(r'data-slot="(\d+)" data-tile="(\w+)" data-item-id="(\d+)"', html)
    assert slots == [(str(i["slot"]), i["tile"], str(i["id"])) for i in api_items]
    assert [tile for _, tile, _ in slots] == ["hero"] + ["featured"] * 4 + ["standard"] * 2
    for item in api_items:
        ranking = item["ranking"]
        assert item["title"] in html
        assert (
            f"{ranking['prior']:.2f} + {ranking['readers']:.2f} {MINUS} {ranking['age_penalty']:.2f}"
            f" = {item['score']:.2f} <small>rank score</small>"
        ) in html
    assert f"9.50 + 0.00 {MINUS} 0.00 = 9.50" in html
    # Nobody reacted: no tile shows the formula's neutral 50% as if it were readers' opinion.
    assert html.count("no reactions yet") == len(api_items) and "50% positive" not in html


@pytest.mark.django_db
def test_an_items_page_explains_its_rank_score(editor_client):
    """An item's page shows why it ranks where it does: prior + readers - age = rank score, and
    that a pin keeps it at its position."""
    item, pinned = ranked_items(90, 40)
    BentoGridItem.objects.filter(pk=pinned.pk).update(is_pinned=True)
    page = editor_client.get(f"{GRID}{item.pk}/change/").content.decode()
    assert "9.00 + 0.00 - 0.00 = 9.00</div>" in page
    page = editor_client.get(f"{GRID}{pinned.pk}/change/").content.decode()
    assert "4.00 + 0.00 - 0.00 = 4.00 (pinned: kept at its position)</div>" in page


@pytest.mark.django_db
def test_the_preview_button_refreshes_for_editors(
    editor_client, django_capture_on_commit_callbacks
):
    """The preview's "Refresh now" button refreshes and comes back to the preview."""
    ranked_items(70)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"{GRID}preview/", follow=True)
    assert response.redirect_chain == [(f"{GRID}preview/", 302)]
    assert "Grid refreshed" in messages_of(response)[0]
    assert GridRefreshRun.objects.filter(triggered_by="admin").count() == 1


@pytest.mark.django_db
def test_a_write_the_database_refuses_is_a_message_not_an_error(client):
    """Django permissions without the staff group's claims: the database refuses the insert
    (row-level security), and the admin says so on a normal page."""
    clerk = f.make_user(username="clerk", is_staff=True)
    clerk.user_permissions.add(
        *Group.objects.get(name="Editors").permissions.filter(
            codename__in=["view_bentogriditem", "add_bentogriditem"]
        )
    )
    client.force_login(clerk)
    topic = f.make_topic()
    form = {
        "content_type": "trending_topic",
        "content_id": str(topic.pk),
        "content_title": "Smuggled in",
        "data": "{}",
        "is_active": "on",
    }
    response = client.post(f"{GRID}add/", form, follow=True)
    assert response.status_code == 200
    assert NOT_ALLOWED in messages_of(response)
    assert not BentoGridItem.objects.filter(content_title="Smuggled in").exists()


def preview_tiles(html: str) -> dict[int, str]:
    """Each preview tile's HTML, by grid item id."""
    return {
        int(item_id): tile
        for item_id, tile in re.findall(
            r'<article [^>]*data-item-id="(\d+)">(.*?)</article>', html, re.DOTALL
        )
    }


def react(item: BentoGridItem, *sentiments: str) -> None:
    """One reaction per sentiment, each from a reader of its own (a reader's latest reaction
    replaces their earlier one)."""
    for sentiment in sentiments:
        f.make_engagement(
            content_type=item.content_type,
            content_id=item.content_id,
            interaction_type="reaction",
            sentiment=sentiment,
            user=f.make_user(),
        )


@pytest.mark.django_db
def test_the_preview_says_no_reactions_yet_without_events_and_shows_thumbnails(editor_client):
    """A tile without any event in 7 days says "no reactions yet" instead of the formula's
    neutral 50% bar; one with events has a bar of its positive share of them, captioned; a
    tile shows the thumbnail and tags its data names."""
    untouched, viewed, reacted = ranked_items(90, 80, 70)
    thumbnail = "https://i.ytimg.com/vi/abc123/hqdefault.jpg"
    BentoGridItem.objects.filter(pk=untouched.pk).update(
        data={"thumbnail_url": thumbnail, "tags": ["brisket"]}
    )
    f.make_engagement(content_type=viewed.content_type, content_id=viewed.content_id)
    react(reacted, "positive", "positive", "negative")
    grid_refresh(trigger=RefreshTrigger.COMMAND)

    tiles = preview_tiles(editor_client.get(f"{GRID}preview/").content.decode())
    assert "no reactions yet" in tiles[untouched.pk]
    assert 'class="sentiment"' not in tiles[untouched.pk]
    assert "50% positive" not in tiles[untouched.pk]
    assert f'<img class="tile-thumb" src="{thumbnail}" alt=""' in tiles[untouched.pk]
    assert '<span class="tag">brisket</span>' in tiles[untouched.pk]
    assert "tile-thumb" not in tiles[viewed.pk]  # a topic's data names no thumbnail

    assert 'aria-label="0 positive of 1 events in 7 days"' in tiles[viewed.pk]
    assert 'class="positive" width="0.0"' in tiles[viewed.pk]
    assert "0% positive" in tiles[viewed.pk]
    assert 'aria-label="2 positive of 3 events in 7 days"' in tiles[reacted.pk]
    assert 'class="positive" width="66.7"' in tiles[reacted.pk]
    assert "67% positive" in tiles[reacted.pk] and "no reactions yet" not in tiles[reacted.pk]


@pytest.mark.django_db
def test_the_list_cuts_titles_short_and_says_which_items_had_no_reactions(editor_client):
    """Titles are cut to one line by the list's CSS and carried whole in a title attribute;
    the sentiment column says "no reactions" for an item without events in 7 days (its 50% is
    the formula's neutral value); the column costs no query per item."""
    long_title = "Why Your Fasting Glucose Went UP on Carnivore (and Why It Doesn't Matter)"
    first, second = ranked_items(90, 80)
    BentoGridItem.objects.filter(pk=first.pk).update(content_title=long_title)
    react(second, "positive")
    engagement_rollup_drain()  # as the worker does: the figures follow the events

    def page() -> tuple[str, int]:
        with statements_sent() as sent:
            html = editor_client.get(GRID).content.decode()
        return html, len(sent)

    html, statements = page()
    shown = escape(long_title)
    assert f'<span class="grid-title" title="{shown}">{shown}</span>' in html
    sentiments = re.findall(r'<td class="field-sentiment">(.*?)</td>', html)
    assert sentiments == [
        '<span class="quiet" title="no reactions yet">no reactions</span>',
        "100% positive",
    ]

    for item in ranked_items(60, 50, 40):
        react(item, "negative")
    engagement_rollup_drain()
    assert page()[1] == statements
