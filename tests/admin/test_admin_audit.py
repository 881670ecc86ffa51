"""The audit log in the admin: filters, the field-by-field diff, and a list that never counts
a whole table."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.http import urlencode

from audit import admin as audit_admin
from audit.admin import AuditLogAdmin, EstimatedCountPaginator, audit_diff, audited_tables
from audit.models import AuditLog
from carnivore.db_context import admin_identity, run_as
from tests import factories as f
from tests.conftest import statements_sent
from trending.models import TrendingTopic

AUDIT = "/admin/audit/auditlog/"


def listed_ids(response) -> list[int]:
    return [
        int(i)
        for i in re.findall(
            r'<th class="field-id"><a href="[^"]+">(\d+)</a>', response.content.decode()
        )
    ]


@pytest.fixture
def history(editor):
    """An editor's insert and update of a topic, a system insert and a reader's old change."""
    with run_as(admin_identity(editor)):
        topic = TrendingTopic.objects.create(topic_name="Liver", topic_slug="liver")
        TrendingTopic.objects.filter(pk=topic.pk).update(topic_name="Beef liver")
    f.make_topic()  # written by a job, with no user
    reader = f.make_user(username="reader")
    old = f.make_audit_row(
        table_name="user_interests",
        changed_by=reader.pk,
        changed_at=timezone.now() - timedelta(days=40),
    )
    entries = AuditLog.objects.filter(table_name="trending_topics", record_id=str(topic.pk))
    return {
        "insert": entries.get(operation="INSERT"),
        "update": entries.get(operation="UPDATE"),
        "system": AuditLog.objects.filter(changed_by__isnull=True).latest("id"),
        "old": old,
        "topic": topic,
        "reader": reader,
    }


@pytest.mark.django_db
def test_filters_by_table_operation_user_and_date(auditor_client, editor, history):
    """Each filter narrows the list to the rows it names, and only those."""

    def ids(query: str) -> set[int]:
        response = auditor_client.get(f"{AUDIT}?{query}")
        assert response.status_code == 200
        return set(listed_ids(response))

    topic_rows = {history["insert"].pk, history["update"].pk}
    assert topic_rows <= ids("table_name=trending_topics")
    assert history["old"].pk not in ids("table_name=trending_topics")
    assert ids("operation__exact=UPDATE") == {history["update"].pk}
    assert ids(f"changed_by={editor.pk}") == topic_rows
    assert ids(f"changed_by={history['reader'].pk}") == {history["old"].pk}
    assert history["system"].pk in ids("changed_by=system")
    assert ids(f"changed_by={uuid.uuid4()}") == set()
    # What the date filter's "Past 7 days" links to.
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    recent = ids(urlencode({"changed_at__gte": str(midnight - timedelta(days=7))}))
    assert topic_rows <= recent and history["old"].pk not in recent


@pytest.mark.django_db
def test_the_user_filter_names_staff_not_readers(auditor_client, editor, history):
    """The user filter lists staff by name and "no user", not every reader; the table filter
    lists the audited tables."""
    page = auditor_client.get(AUDIT).content.decode()
    assert "Eddie Editor" in page  # full names where there are any
    assert "System (no user)" in page
    assert f"?changed_by={history['reader'].pk}" not in page
    assert all(table in page for table in ("bento_grid_items", "creators", "user_interests"))


@pytest.mark.django_db
def test_the_list_names_who_changed_what(auditor_client, editor, history):
    """Rows show who made the change by name, not by id."""
    response = auditor_client.get(f"{AUDIT}?table_name=trending_topics")
    html = response.content.decode()
    assert html.count("Eddie Editor") >= 3  # two rows, and the filter


@pytest.mark.django_db
def test_the_diff_of_an_update_marks_what_changed(auditor_client, history):
    """Old beside new, field by field in the table's column order, changed rows marked; the
    page links to the record's whole history."""
    update = history["update"]
    rows = {row.field: row for row in audit_diff(update)}
    assert (rows["topic_name"].old, rows["topic_name"].new, rows["topic_name"].changed) == (
        "Liver",
        "Beef liver",
        True,
    )
    assert not rows["topic_slug"].changed and rows["topic_slug"].new == "liver"
    assert rows["tags"].new == "[]"
    assert list(rows)[:3] == ["id", "created_at", "modified_at"]  # the table's column order

    html = auditor_client.get(f"{AUDIT}{update.pk}/change/").content.decode()
    assert re.search(r'<tr class="changed" data-field="topic_name">', html)
    assert re.search(r'<tr class="" data-field="topic_slug">', html)
    assert "fields changed (highlighted)" in html
    assert f"?table_name=trending_topics&amp;record_id={history['topic'].pk}" in html


@pytest.mark.django_db
def test_the_diff_of_an_insert_has_no_old_values(history):
    """An insert has only new values: every field is new."""
    rows = audit_diff(history["insert"])
    assert rows and all(row.old is None and row.changed for row in rows)


@pytest.mark.django_db
def test_an_engagement_event_entry_links_to_no_history(auditor_client):
    """Events are insert-only: an event's entry, as audit logs kept from before events recorded
    their own who and when hold them, is its whole history, and the lookup by record would scan
    every event's audit row (audit_log_record leaves them out)."""
    topic = f.make_topic()
    entry = f.make_audit_row(
        table_name="content_engagement",
        record_id="1",
        new_values={"id": 1, "content_type": "trending_topic", "content_id": topic.id},
    )
    topic_entry = AuditLog.objects.filter(table_name="trending_topics").latest("id")
    assert "All changes to" not in auditor_client.get(f"{AUDIT}{entry.pk}/change/").content.decode()
    assert (
        "All changes to" in auditor_client.get(f"{AUDIT}{topic_entry.pk}/change/").content.decode()
    )


@pytest.mark.django_db
def test_one_records_history_is_a_link_away(auditor_client, history):
    """Table and record id list every change to that one row."""
    topic = history["topic"]
    response = auditor_client.get(f"{AUDIT}?table_name=trending_topics&record_id={topic.pk}")
    assert set(listed_ids(response)) == {history["insert"].pk, history["update"].pk}


@pytest.mark.django_db
def test_the_list_never_counts_the_whole_table(auditor_client, monkeypatch, history):
    """Past the exact-count limit the count is the planner's estimate; every count is bounded."""
    monkeypatch.setattr(audit_admin, "EXACT_COUNT_LIMIT", 2)
    with statements_sent() as sent:
        response = auditor_client.get(AUDIT)
    assert response.status_code == 200
    counts = [s for s in sent if "COUNT(" in s.upper()]
    assert counts and all("LIMIT 3" in s for s in counts)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_log")  # statistics as fresh as the rows
    paginator = EstimatedCountPaginator(AuditLog.objects.order_by("-id"), 50)
    with statements_sent() as sent:
        estimated = paginator.count
    assert any(s.upper().startswith("EXPLAIN") for s in sent)  # the estimate, past the limit
    assert estimated == AuditLog.objects.count() > 3


@pytest.mark.django_db
def test_the_list_costs_the_same_number_of_queries_for_any_page_size(auditor_client, editor):
    """Who changed each row is read in one query for the page, not one per row."""

    def statements() -> int:
        with statements_sent() as sent:
            assert auditor_client.get(AUDIT).status_code == 200
        return len(sent)

    f.make_audit_row(changed_by=editor.pk)
    few = statements()
    for n in range(30):
        f.make_audit_row(changed_by=f.make_user().pk, record_id=str(n))
    assert statements() == few


def test_the_table_filter_lists_every_audited_table():
    """The tables come from the models' audit triggers (events are their own record: not
    content_engagement), and no column sorts a million rows."""
    assert audited_tables() == [
        "bento_grid_items",
        "creators",
        "editorial_items",
        "top_videos",
        "trending_topics",
        "user_interests",
    ]
    assert AuditLogAdmin.sortable_by == ()
