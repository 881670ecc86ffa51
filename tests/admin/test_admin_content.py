"""Topics, videos, creators and editorial items in the admin: search, filters, soft delete.

Nothing is ever removed: "soft-delete" hides a row (and takes a topic's or video's grid item off
the homepage with it), "restore" shows it again, and both are audited under the editor's name.
"""

from __future__ import annotations

import re

import pytest

from audit.models import AuditLog
from grid.models import BentoGridItem, EditorialItem
from grid.services import content_set_active
from tests import factories as f
from tests.admin.conftest import post_action
from tests.conftest import statements_sent
from trending.models import Creator, TopVideo, TrendingTopic

TOPICS = "/admin/trending/trendingtopic/"
VIDEOS = "/admin/trending/topvideo/"


def listed(response) -> list[str]:
    """The row titles of a change list page, in order."""
    return re.findall(
        r'<th class="field-\w+"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


WEEKS_INLINE = {"weeks-TOTAL_FORMS": "0", "weeks-INITIAL_FORMS": "0"}  # the history's formset


@pytest.mark.django_db
def test_soft_delete_hides_a_topic_and_its_grid_item_and_restore_shows_both(editor_client, editor):
    """Hiding a topic hides its grid item too, under the editor's name; restoring shows both."""
    topic = f.make_topic(topic_name="Carnivore and sleep")
    item = f.make_grid_item(
        content_type="trending_topic", content_id=topic.pk, content_title=topic.topic_name
    )
    other = f.make_topic()

    response = post_action(editor_client, TOPICS, "soft_delete", topic)
    assert [str(m) for m in response.context["messages"]] == ["Hid 1 of 1 selected."]
    topic.refresh_from_db()
    item.refresh_from_db()
    other.refresh_from_db()
    assert (topic.is_active, item.is_active, other.is_active) == (False, False, True)
    change = AuditLog.objects.filter(table_name="trending_topics", record_id=str(topic.pk))
    assert change.latest("id").changed_by == editor.pk

    post_action(editor_client, TOPICS, "restore", topic)
    topic.refresh_from_db()
    item.refresh_from_db()
    assert (topic.is_active, item.is_active) == (True, True)


@pytest.mark.django_db
def test_soft_delete_from_a_filtered_list_counts_the_selection_before_hiding(editor_client):
    """The selection keeps the list's filter (active only), which hidden rows no longer match."""
    topics = [f.make_topic(), f.make_topic()]
    response = post_action(editor_client, f"{TOPICS}?is_active__exact=1", "soft_delete", *topics)
    assert [str(m) for m in response.context["messages"]] == ["Hid 2 of 2 selected."]


@pytest.mark.django_db
def test_soft_delete_of_videos_creators_and_editorial_items(editor_client):
    """The same actions hide videos, creators and editorial items (with their grid items)."""
    video = f.make_video()
    creator = f.make_creator()
    note = f.make_editorial(kind="research_update")
    note_item = f.make_grid_item(
        content_type="research_update", content_id=note.pk, content_title=note.title
    )
    post_action(editor_client, VIDEOS, "soft_delete", video)
    post_action(editor_client, "/admin/trending/creator/", "soft_delete", creator)
    post_action(editor_client, "/admin/grid/editorialitem/", "soft_delete", note)
    assert not TopVideo.objects.get(pk=video.pk).is_active
    assert not Creator.objects.get(pk=creator.pk).is_active
    assert not EditorialItem.objects.get(pk=note.pk).is_active
    assert not BentoGridItem.objects.get(pk=note_item.pk).is_active


@pytest.mark.django_db
def test_restoring_what_is_shown_writes_nothing():
    """Rows already in the wanted state are left alone: no update, no audit row."""
    topic = f.make_topic()
    before = AuditLog.objects.count()
    assert content_set_active(queryset=TrendingTopic.objects.filter(pk=topic.pk), active=True) == 0
    assert content_set_active(queryset=TrendingTopic.objects.none(), active=False) == 0
    assert AuditLog.objects.count() == before


@pytest.mark.django_db
def test_topics_search_and_filters(editor_client):
    """Search by name; filter by active, by the week a topic trended, by a creator named."""
    week_1 = f.make_report()
    week_2 = f.make_report()
    budget = f.make_topic(topic_name="Budget carnivore", creators_array=["Anthony Chaffee"])
    organs = f.make_topic(topic_name="Organ meats", creators_array=["Paul Saladino"])
    hidden = f.make_topic(topic_name="Hidden budget tips", is_active=False)
    f.make_topic_week(topic=budget, report=week_1)
    f.make_topic_week(topic=organs, report=week_2)
    f.make_creator(creator_name="Anthony Chaffee")

    def titles(query: str) -> set[str]:
        response = editor_client.get(f"{TOPICS}?{query}")
        assert response.status_code == 200
        return set(listed(response))

    assert titles("q=budget") == {budget.topic_name, hidden.topic_name}
    assert titles("is_active__exact=0") == {hidden.topic_name}
    assert titles(f"week={week_1.week_of.isoformat()}") == {budget.topic_name}
    assert titles("creator=Anthony+Chaffee") == {budget.topic_name}
    page = editor_client.get(TOPICS).content.decode()
    assert "Anthony Chaffee" in page and week_2.week_of.strftime("%b") in page


@pytest.mark.django_db
def test_videos_filter_by_creator_and_week(editor_client):
    """Videos by creator, by the week's crawl they appeared in, and by a search on the creator."""
    crawl = f.make_crawl()
    chaffee = f.make_creator(creator_name="Anthony Chaffee")
    his = f.make_video(creator=chaffee, title="Why I eat only meat")
    other = f.make_video(title="Steak on a budget")
    f.make_video_week(video=other, crawl=crawl)

    by_creator = listed(editor_client.get(f"{VIDEOS}?creator__id__exact={chaffee.pk}"))
    assert by_creator == [his.title]
    assert listed(editor_client.get(f"{VIDEOS}?week={crawl.collected_on}")) == [other.title]
    assert listed(editor_client.get(f"{VIDEOS}?q=chaffee")) == [his.title]


@pytest.mark.django_db
def test_editors_add_and_edit_topics_under_their_own_identity(editor_client, editor):
    """A topic added and edited through the forms; the slug is fixed once the topic exists."""
    response = editor_client.post(
        f"{TOPICS}add/",
        {"topic_name": "Raw milk", "topic_slug": "raw-milk", "tags": "", **WEEKS_INLINE},
    )
    assert response.status_code == 302
    topic = TrendingTopic.objects.get(topic_slug="raw-milk")
    assert (
        AuditLog.objects.filter(
            table_name="trending_topics", record_id=str(topic.pk), operation="INSERT"
        )
        .get()
        .changed_by
        == editor.pk
    )

    page = f"{TOPICS}{topic.pk}/change/"
    assert 'name="topic_slug"' not in editor_client.get(page).content.decode()
    edit = {"topic_name": "Raw milk, revisited", "description": "New", "tags": "dairy"}
    edit |= WEEKS_INLINE
    assert editor_client.post(page, edit).status_code == 302
    topic.refresh_from_db()
    assert (topic.topic_name, topic.description, topic.tags) == (
        "Raw milk, revisited",
        "New",
        ["dairy"],
    )
    assert topic.is_active


@pytest.mark.django_db
def test_a_duplicate_name_is_refused_politely(editor_client):
    """A creator name that exists already: the form says so; nothing is written."""
    f.make_creator(creator_name="Kelly Hogan")
    response = editor_client.post(
        "/admin/trending/creator/add/", {"creator_name": "Kelly Hogan", "focus_areas": ""}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Creator.objects.filter(creator_name="Kelly Hogan").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "make_week", "owner", "week"),
    [
        (TOPICS, f.make_topic_week, "topic", "report"),
        (VIDEOS, f.make_video_week, "video", "crawl"),
    ],
)
def test_the_weekly_history_costs_the_same_statements_for_one_week_or_five(
    editor_client, page, make_week, owner, week
):
    """The history inline loads each week's report or crawl with its rows, not one by one."""

    def statements_for(weeks: int) -> int:
        row = make_week()
        for _ in range(weeks - 1):
            make_week(**{owner: getattr(row, owner)})
        with statements_sent() as sent:
            assert editor_client.get(f"{page}{getattr(row, owner).pk}/change/").status_code == 200
        return len(sent)

    statements_for(1)  # the first page view loads what Django caches per process
    assert statements_for(5) == statements_for(1)
