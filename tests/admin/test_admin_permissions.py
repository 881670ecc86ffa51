"""Who may see and do what in the back office: editors, auditors, readers, superusers.

Pages are checked with the Django test client for each group, and so are the refusals: a page
someone may not open answers 403 (or the login page for non-staff), a forged POST changes
nothing, and nobody, superusers included, can hard-delete a row or edit the audit log.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from audit.models import AuditLog
from grid.models import BentoGridItem, GridRefreshRun
from tests import factories as f
from tests.admin.conftest import list_edit, post_action

EDITED = ["grid.bentogriditem", "grid.editorialitem", "trending.trendingtopic"]
EDITED += ["trending.topvideo", "trending.creator"]
READ_ONLY = ["grid.gridrefreshrun", "trending.topicweek", "trending.videoweek"]
READ_ONLY += ["trending.weeklyreport", "trending.youtubecrawl", "trending.trendingalert"]
READ_ONLY += ["audit.auditlog"]


def permissions_of(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def with_action(models: list[str], *actions: str) -> set[str]:
    return {
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in models
        for action in actions
    }


@pytest.mark.django_db
def test_each_group_has_its_permissions_and_no_delete():
    """Editors view, add and change what they curate and view the rest; auditors only view."""
    assert permissions_of("Editors") == with_action(EDITED, "view", "add", "change") | (
        with_action(READ_ONLY, "view")
    )
    assert permissions_of("Auditors") == with_action(EDITED + READ_ONLY, "view")


# page                                          editor  auditor  reader
PAGES = """
/admin/                                         200     200      login
/admin/grid/bentogriditem/                      200     200      login
/admin/grid/bentogriditem/preview/              200     200      login
/admin/grid/bentogriditem/add/                  200     403      login
/admin/grid/bentogriditem/{item}/change/        200     200      login
/admin/grid/bentogriditem/{item}/delete/        403     403      login
/admin/grid/bentogriditem/{item}/history/       200     200      login
/admin/grid/editorialitem/                      200     200      login
/admin/grid/editorialitem/add/                  200     403      login
/admin/grid/gridrefreshrun/                     200     200      login
/admin/grid/gridrefreshrun/{run}/change/        200     200      login
/admin/trending/trendingtopic/                  200     200      login
/admin/trending/trendingtopic/add/              200     403      login
/admin/trending/trendingtopic/{topic}/change/   200     200      login
/admin/trending/trendingtopic/{topic}/delete/   403     403      login
/admin/trending/topvideo/                       200     200      login
/admin/trending/topvideo/{video}/change/        200     200      login
/admin/trending/creator/                        200     200      login
/admin/trending/creator/add/                    200     403      login
/admin/trending/weeklyreport/                   200     200      login
/admin/trending/weeklyreport/add/               403     403      login
/admin/trending/youtubecrawl/                   200     200      login
/admin/trending/trendingalert/                  200     200      login
/admin/audit/auditlog/                          200     200      login
/admin/audit/auditlog/{audit}/change/           200     200      login
/admin/audit/auditlog/add/                      403     403      login
/admin/audit/auditlog/{audit}/delete/           403     403      login
/admin/audit/auditlog/{audit}/history/          302     302      login
/admin/dashboard/                               200     200      login
/admin/carnivore/user/                          403     403      login
"""
WHO = ("editor", "auditor", "reader")
PAGE_CASES = [
    (page, who, outcome)
    for line in PAGES.strip().splitlines()
    for page, *outcomes in [line.split()]
    for who, outcome in zip(WHO, outcomes, strict=True)
]


@pytest.fixture
def rows(db) -> dict[str, int]:
    """One row of each kind the pages open."""
    video = f.make_video()
    return {
        "item": f.make_grid_item(grid_position=1).pk,
        "run": f.make_refresh_run().pk,
        "topic": f.make_topic().pk,
        "video": video.pk,
        "audit": AuditLog.objects.filter(table_name="top_videos").latest("id").pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "who", "outcome"), PAGE_CASES)
def test_who_may_open_which_page(client, rows, editor, auditor, page, who, outcome):
    """Each page answers each person as the table says; nothing answers with a server error."""
    people = {"editor": editor, "auditor": auditor, "reader": f.make_user()}
    client.force_login(people[who])
    response = client.get(page.format(**rows))
    if outcome == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == int(outcome)


@pytest.mark.django_db
def test_auditors_see_no_control_that_changes_anything(auditor_client):
    """Lists without actions, edit fields or add links; pages without fields or save buttons."""
    item = f.make_grid_item(grid_position=1)
    topic = f.make_topic()
    for page in ("/admin/grid/bentogriditem/", "/admin/trending/trendingtopic/"):
        html = auditor_client.get(page).content.decode()
        assert 'name="action"' not in html
        assert 'name="_save"' not in html
        assert 'name="form-0-grid_position"' not in html
        assert "/add/" not in html.split('id="content"')[1]
    for page in (
        f"/admin/grid/bentogriditem/{item.pk}/change/",
        f"/admin/trending/trendingtopic/{topic.pk}/change/",
        "/admin/grid/bentogriditem/preview/",
    ):
        html = auditor_client.get(page).content.decode()
        assert 'name="_save"' not in html
        assert "deletelink" not in html
        assert 'type="submit"' not in html.split('id="content"')[1]


@pytest.mark.django_db
def test_editors_see_curation_controls_but_no_delete(editor_client):
    """The grid list offers pin, unpin, hide, show and refresh, and list editing; no delete."""
    f.make_grid_item(grid_position=1)
    html = editor_client.get("/admin/grid/bentogriditem/").content.decode()
    for action in ("pin", "unpin", "hide", "show", "refresh_now"):
        assert f'value="{action}"' in html
    assert "delete_selected" not in html
    assert 'name="form-0-grid_position"' in html
    assert 'name="form-0-is_pinned"' in html
    assert 'name="form-0-is_active"' in html
    assert "/admin/grid/bentogriditem/preview/" in html
    topics = editor_client.get("/admin/trending/trendingtopic/").content.decode()
    assert 'value="soft_delete"' in topics and 'value="restore"' in topics
    assert "delete_selected" not in topics


@pytest.mark.django_db
def test_forged_posts_from_an_auditor_change_nothing(auditor_client):
    """Change form, list edit, an action, the refresh and a delete: each refused, nothing changed."""
    item = f.make_grid_item(grid_position=3, content_title="Untouched")
    topic = f.make_topic(topic_name="Untouched topic")
    pin_first = list_edit(item, **{str(item.pk): {"grid_position": 1, "is_pinned": True}})
    refusals = [
        (f"/admin/grid/bentogriditem/{item.pk}/change/", {"content_title": "Forged"}, 403),
        ("/admin/grid/bentogriditem/", pin_first, 403),
        ("/admin/grid/bentogriditem/preview/", {}, 403),
        (f"/admin/grid/bentogriditem/{item.pk}/delete/", {"post": "yes"}, 403),
        (f"/admin/trending/trendingtopic/{topic.pk}/change/", {"topic_name": "Forged"}, 403),
        (f"/admin/trending/trendingtopic/{topic.pk}/delete/", {"post": "yes"}, 403),
    ]
    for page, data, status in refusals:
        assert auditor_client.post(page, data).status_code == status, page

    # Auditors are offered no actions: a forged one is ignored and the list shown again.
    for action in ("pin", "hide", "refresh_now"):
        forged = post_action(
            auditor_client, "/admin/grid/bentogriditem/", action, item, follow=False
        )
        assert forged.status_code == 200

    item.refresh_from_db()
    topic.refresh_from_db()
    assert (item.content_title, item.grid_position, item.is_pinned) == ("Untouched", 3, False)
    assert topic.topic_name == "Untouched topic"
    assert not GridRefreshRun.objects.exists()


@pytest.mark.django_db
def test_nobody_edits_the_audit_log_not_even_a_superuser(client, superuser):
    """A superuser sees the audit log read-only: no add, no save, no delete, POSTs refused."""
    entry = f.make_audit_row()
    client.force_login(superuser)
    html = client.get(f"/admin/audit/auditlog/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in html and "deletelink" not in html
    assert "/admin/audit/auditlog/add/" not in client.get("/admin/audit/auditlog/").content.decode()
    change = client.post(f"/admin/audit/auditlog/{entry.pk}/change/", {"record_id": "forged"})
    assert change.status_code == 403
    delete = client.post(f"/admin/audit/auditlog/{entry.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    entry.refresh_from_db()
    assert entry.record_id == "1"


@pytest.mark.django_db
def test_superusers_cannot_hard_delete_either(client, superuser):
    """Superusers hold every Django permission, yet no delete action or page exists."""
    item = f.make_grid_item(grid_position=1)
    client.force_login(superuser)
    assert b"delete_selected" not in client.get("/admin/grid/bentogriditem/").content
    response = client.post(f"/admin/grid/bentogriditem/{item.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert BentoGridItem.objects.filter(pk=item.pk, is_active=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["editor", "auditor"])
def test_the_index_leads_staff_to_the_dashboard_and_the_preview(client, editor, auditor, who):
    """The admin index links to the dashboard and the homepage preview (each registered by its
    app's admin module), with their descriptions."""
    client.force_login({"editor": editor, "auditor": auditor}[who])
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/dashboard/"' in html
    assert 'href="/admin/grid/bentogriditem/preview/"' in html
    assert "The Bento Grid as <code>GET /api/grid/</code> serves it" in html
