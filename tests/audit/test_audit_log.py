"""The audit log: one row per write to an audited table, with who and what; nobody can change it
afterwards. Engagement events are not copied there: each records its own who and when."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditLog
from carnivore.db_context import ANONYMOUS, SERVICE, admin_identity, identity_for_user, run_as
from engagement.models import ContentEngagement
from tests import factories as f

# table -> (INSERT of one row, UPDATE of it that must be audited, the column it changes)
WRITES = {
    "trending_topics": (
        "INSERT INTO trending_topics (topic_slug, topic_name) VALUES ('audited', 'Audited') RETURNING id",
        "UPDATE trending_topics SET description = 'changed' WHERE id = %s",
        "description",
    ),
    "top_videos": (
        "INSERT INTO top_videos (video_id, title, creator_id) VALUES ('aud1', 'Audited', {creator}) RETURNING id",
        "UPDATE top_videos SET title = 'changed' WHERE id = %s",
        "title",
    ),
    "creators": (
        "INSERT INTO creators (creator_name) VALUES ('Audited') RETURNING id",
        "UPDATE creators SET bio = 'changed' WHERE id = %s",
        "bio",
    ),
    "editorial_items": (
        "INSERT INTO editorial_items (kind, title) VALUES ('research_update', 'Audited') RETURNING id",
        "UPDATE editorial_items SET title = 'changed' WHERE id = %s",
        "title",
    ),
    "bento_grid_items": (
        "INSERT INTO bento_grid_items (content_type, content_id, content_title) "
        "VALUES ('trending_topic', {topic}, 'Audited') RETURNING id",
        "UPDATE bento_grid_items SET is_pinned = true, grid_position = 3 WHERE id = %s",
        "is_pinned",
    ),
    "user_interests": (
        "INSERT INTO user_interests (user_id, interests, interest_tags) "
        "VALUES ('{user}', '[\"Beef\"]', '{{beef}}') RETURNING id",
        "UPDATE user_interests SET interest_tags = '{{beef,organ-meats}}' WHERE id = %s",
        "interest_tags",
    ),
}


def audit_rows_after(mark: int, table: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(id__gt=mark, table_name=table).order_by("id"))


def last_audit_id() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.django_db
@pytest.mark.parametrize("table", list(WRITES))
def test_each_write_leaves_exactly_one_audit_row(table):
    """INSERT, UPDATE and (soft) DELETE each leave one row naming the table, values and user."""
    editor = f.make_editor()
    insert_sql, update_sql, column = WRITES[table]
    insert_sql = insert_sql.format(
        creator=f.make_creator().id, topic=f.make_topic().id, user=editor.id
    )
    identity = identity_for_user(editor)

    mark = last_audit_id()
    with run_as(identity), connection.cursor() as cursor:
        cursor.execute(insert_sql)
        row_id = cursor.fetchone()[0]
    (inserted,) = audit_rows_after(mark, table)
    assert (inserted.operation, inserted.record_id, inserted.old_values) == (
        "INSERT",
        str(row_id),
        None,
    )
    assert inserted.new_values["id"] == row_id
    assert (inserted.changed_by, inserted.db_role, inserted.app_role) == (
        editor.id,
        "authenticated",
        "admin",
    )

    mark = last_audit_id()
    with run_as(identity), connection.cursor() as cursor:
        cursor.execute(update_sql, [row_id])
        assert cursor.rowcount == 1
    (updated,) = audit_rows_after(mark, table)
    assert updated.operation == "UPDATE"
    assert updated.old_values[column] != updated.new_values[column]
    assert updated.old_values["id"] == updated.new_values["id"] == row_id
    assert updated.changed_by == editor.id

    mark = last_audit_id()
    with run_as(identity), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row_id])
        assert cursor.rowcount == 0  # soft: the row stays
    (soft_deleted,) = audit_rows_after(mark, table)
    assert soft_deleted.operation == "UPDATE"
    assert (soft_deleted.old_values["is_active"], soft_deleted.new_values["is_active"]) == (
        True,
        False,
    )
    assert soft_deleted.changed_by == editor.id


@pytest.mark.django_db
def test_updates_that_change_nothing_are_not_audited():
    """A no-op UPDATE, and engagement figures kept by triggers, add no audit row."""
    item = f.make_grid_item()
    mark = last_audit_id()
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bento_grid_items SET content_title = content_title WHERE id = %s", [item.id]
        )
        cursor.execute(
            "UPDATE bento_grid_items SET view_count = 7, engagement_score = 7, events_24h = 7,"
            " views_24h = 7, events_7d = 7, scored_at = now() WHERE id = %s",
            [item.id],
        )
    assert audit_rows_after(mark, "bento_grid_items") == []


@pytest.mark.django_db
def test_events_record_who_inserted_them_instead_of_an_audit_row():
    """Each event records its user, database role and staff role itself, and the reader it
    counts for, whatever the client sent for those columns; events leave no audit row."""
    topic = f.make_topic()
    reader, editor = f.make_user(), f.make_editor()
    mark = last_audit_id()
    forged = uuid.uuid4()
    sql = (
        "INSERT INTO content_engagement (content_type, content_id, user_id, interaction_type,"
        " db_role, app_role, reader_key)"
        " VALUES ('trending_topic', %(topic)s, %(user)s, 'view', 'service_role', 'admin', %(forged)s)"
    )
    for identity, user in (
        (identity_for_user(reader), reader),
        (admin_identity(editor), editor),
        (ANONYMOUS, None),
        (SERVICE, reader),  # a job recording for a reader
    ):
        with run_as(identity), connection.cursor() as cursor:
            cursor.execute(sql, {"topic": topic.id, "user": user and user.id, "forged": forged})
    events = list(
        ContentEngagement.objects.order_by("id").values_list(
            "user_id", "db_role", "app_role", "reader_key"
        )
    )
    anonymous = events.pop(2)
    assert events == [
        (reader.id, "authenticated", None, reader.id),
        (editor.id, "authenticated", "admin", editor.id),
        (reader.id, "service_role", None, reader.id),
    ]
    assert anonymous[:3] == (None, "anon", None)
    assert anonymous[3] not in (None, forged)  # the day's fingerprint of the client
    assert last_audit_id() == mark


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET record_id = 'forged'", "DELETE FROM audit_log"],
    ids=["update", "delete"],
)
def test_owner_cannot_change_the_audit_log(statement):
    """Even the table's owner (a superuser here) is refused, and no session setting helps."""
    f.make_topic()  # leaves an audit row
    before = list(AuditLog.objects.values_list("id", "record_id"))
    assert before
    pgid = AuditLog._meta.triggers[0].get_pgid(AuditLog)
    for bypass in ("", f"SET LOCAL pgtrigger.ignore = '{{{pgid}}}'"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            if bypass:
                cursor.execute(bypass)
            cursor.execute(statement)
    assert list(AuditLog.objects.values_list("id", "record_id")) == before


@pytest.mark.django_db
def test_soft_delete_tells_the_caller():
    """A DELETE that became a soft delete says so in a notice: never a silent no-op."""
    topic = f.make_topic()
    notices = []
    connection.ensure_connection()
    connection.connection.add_notice_handler(lambda diag: notices.append(diag.message_primary))
    with run_as(admin_identity()), connection.cursor() as cursor:
        cursor.execute("DELETE FROM trending_topics WHERE id = %s", [topic.id])
    topic.refresh_from_db()
    assert topic.is_active is False
    assert any("soft delete" in n and "deactivated" in n for n in notices), notices
