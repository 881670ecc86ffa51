"""A reader leaves: `DELETE /api/me/` and `manage.py erase_user` (engagement.services
.reader_erase, engagement/sql/engagement_reader_erase.sql). Afterwards no row outside the audit
log holds the reader's id, every aggregate is what it was, the figures still equal a recount of
the events, the erasure is audited, and the reader's credentials no longer work."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from rest_framework.authtoken.models import Token

from audit.models import AuditLog
from carnivore.db_context import ANONYMOUS, SERVICE, identity_for_user, run_as
from engagement.models import ContentEngagement, EngagementRollup, EngagementVote
from engagement.selectors import engagement_score_drift
from engagement.services import (
    EventInput,
    engagement_record,
    engagement_rollup_drain,
)
from grid.models import BentoGridItem, UserInterest
from tests import factories as f

# Every uuid column of every table in public (partitions through their parent), as the catalog
# lists them: what "no row holds the reader's id" is checked against.
UUID_COLUMNS = """
SELECT c.relname, a.attname
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.atttypid = 'uuid'::regtype AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY 1, 2
"""
AGGREGATE_FIGURES = (
    "view_count",
    "share_count",
    "bookmark_count",
    "events_24h",
    "events_7d",
    "positive_7d",
    "reader_weight_7d",
    "engagement_score",
    "positive_sentiment_percent",
)


def record_as(user, events: list[tuple]) -> None:
    """Record (topic, interaction, sentiment) events as `user` (None: anonymous), as the API
    does."""
    inputs = [
        EventInput("trending_topic", topic.id, kind, sentiment) for topic, kind, sentiment in events
    ]
    with run_as(identity_for_user(user) if user else ANONYMOUS):
        engagement_record(
            events=inputs,
            user_id=user.pk if user else None,
            client_address="192.0.2.1",
            user_agent="test",
        )


def engaged_reader():
    """A reader with a token, interests and events on two topics (drained), a bookmark taken
    back among them, beside another reader's and anonymous events on the same topics."""
    topics = [f.make_topic(), f.make_topic()]
    reader, other = f.make_user(), f.make_user()
    token = Token.objects.create(user=reader)
    f.make_interest(user=reader)
    mine = [
        (topics[0], "view", None),
        (topics[0], "view", None),
        (topics[0], "share", None),
        (topics[0], "bookmark", None),
        (topics[0], "unbookmark", None),
        (topics[1], "bookmark", None),
        (topics[1], "reaction", "positive"),
        (topics[1], "comment", "negative"),
    ]
    record_as(reader, mine)
    record_as(other, [(topics[0], "view", None), (topics[1], "reaction", "positive")])
    record_as(None, [(topics[0], "share", None)])
    engagement_rollup_drain()
    return reader, token, topics


def aggregates() -> dict:
    """Every stored figure: the hourly rollups, the votes' counts and the grid items' figures."""
    rollups = sorted(
        EngagementRollup.objects.values_list(
            "content_type",
            "content_id",
            "hour",
            "events",
            "views",
            "shares",
            "bookmarks",
            "reactions",
            "comments",
            "positive",
            "negative",
            "reader_views",
            "reader_shares",
            "reader_bookmarks",
            "reader_comments",
            "reader_positive",
            "reader_negative",
        )
    )
    votes = sorted(EngagementVote.objects.values_list("content_type", "content_id", "hour", "kind"))
    figures = sorted(BentoGridItem.objects.values_list("id", *AGGREGATE_FIGURES))
    return {"rollups": rollups, "votes": votes, "figures": figures}


def rows_holding(user_id) -> dict[str, int]:
    """Return {table.column: rows} of every uuid column (audit_log aside) that holds `user_id`."""
    with connection.cursor() as cursor:
        cursor.execute(UUID_COLUMNS)
        columns = cursor.fetchall()
        found = {}
        for table, column in columns:
            if table == AuditLog._meta.db_table:
                continue
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" = %s', [user_id])  # noqa: S608 - catalog names
            (rows,) = cursor.fetchone()
            found[f"{table}.{column}"] = rows
    assert {
        "carnivore_user.id",
        "content_engagement.user_id",
        "content_engagement.reader_key",
        "engagement_votes.reader_key",
        "engagement_toggles.reader_key",
        "user_interests.user_id",
        "authtoken_token.user_id",
    } <= set(found)  # the columns that held the reader's id are among those searched
    return {name: rows for name, rows in found.items() if rows}


def deferred_constraints_hold() -> None:
    """Check now the foreign keys PostgreSQL would check at commit (the test rolls back)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db(transaction=True)
def test_a_reader_erases_their_account():
    """DELETE /api/me/ with the reader's token: 204; afterwards no uuid column outside the audit
    log holds their id, their events are kept, anonymous under one fresh key, the aggregates
    are unchanged, drift is empty, the erasure is audited as theirs, and the token gets 401."""
    reader, token, _ = engaged_reader()
    before = aggregates()
    assert rows_holding(reader.id) != {}
    events = ContentEngagement.objects.count()
    auth = {"Authorization": f"Token {token.key}"}

    assert Client().delete("/api/me/", headers=auth).status_code == 204

    assert rows_holding(reader.id) == {}
    assert ContentEngagement.objects.count() == events
    stand_ins = set(
        ContentEngagement.objects.filter(user=None, db_role="authenticated").values_list(
            "reader_key", flat=True
        )
    ) - set(
        ContentEngagement.objects.filter(user__isnull=False).values_list("reader_key", flat=True)
    )
    assert len(stand_ins) == 1  # the reader's eight events: one key, nobody's id
    assert ContentEngagement.objects.filter(reader_key__in=stand_ins).count() == 8
    assert aggregates() == before
    assert engagement_score_drift() == []
    erasure = AuditLog.objects.get(table_name="carnivore_user")
    assert (erasure.operation, erasure.record_id, erasure.changed_by) == (
        "DELETE",
        str(reader.id),
        reader.id,
    )
    assert erasure.old_values == {
        "id": str(reader.id),
        "erased": True,
        "events_unlinked": 8,
        "votes_rekeyed": 6,  # a view, a share and a negative comment; 3 bookmarks and reactions
        "interests_removed": 1,
    }
    assert Client().get("/api/me/interests/", headers=auth).status_code == 401


@pytest.mark.django_db
def test_events_not_yet_counted_are_counted_under_the_stand_in():
    """Events the rollup had not taken when the reader left are counted afterwards under the
    same stand-in key: drift stays empty and no vote holds the reader's id."""
    reader, _, topics = engaged_reader()
    record_as(reader, [(topics[0], "click", None), (topics[1], "view", None)])  # not drained
    call_command("erase_user", str(reader.id))
    deferred_constraints_hold()
    assert engagement_rollup_drain() == 2
    assert engagement_score_drift() == []
    assert rows_holding(reader.id) == {}
    assert (
        len(set(EngagementVote.objects.filter(kind="click").values_list("reader_key", flat=True)))
        == 1
    )


@pytest.mark.django_db
def test_signing_out_is_not_needed_a_session_ends_too(client):
    """A reader signed in by session who leaves is signed out: their session row is gone, and
    another browser's session of theirs no longer signs anyone in."""
    reader, _, _ = engaged_reader()
    elsewhere = Client()
    elsewhere.force_login(reader)
    client.force_login(reader)
    assert client.delete("/api/me/").status_code == 204
    deferred_constraints_hold()
    assert elsewhere.get("/api/me/interests/").status_code == 401
    assert client.get("/api/me/interests/").status_code == 401


@pytest.mark.django_db
def test_an_operator_erases_by_username_and_is_named():
    """`erase_user <username> --operator <name>`: the reader is erased, the audit row names the
    operator, and the command says what it did."""
    reader, _, _ = engaged_reader()
    operator = f.make_user(username="ops", is_staff=True, is_superuser=True)
    out = call_command_output("erase_user", reader.username, "--operator", "ops")
    deferred_constraints_hold()
    erasure = AuditLog.objects.get(table_name="carnivore_user")
    assert out == (
        f"Erased {reader.id}: 8 events unlinked (6 votes re-keyed), interests removed;"
        f" audit_log #{erasure.id}\n"
    )
    assert (erasure.record_id, erasure.changed_by, erasure.db_role) == (
        str(reader.id),
        operator.id,
        "service_role",
    )
    assert not get_user_model().objects.filter(id=reader.id).exists()
    assert not UserInterest.objects.filter(user_id=reader.id).exists()


@pytest.mark.django_db
def test_a_reader_without_engagement_is_erased_too():
    """A reader with no event, vote or interest is erased by id; the audit row counts zeros and
    names nobody when no operator is given."""
    reader = f.make_user()
    out = call_command_output("erase_user", str(reader.id))
    deferred_constraints_hold()
    assert "0 events unlinked (0 votes re-keyed), interests none" in out
    erasure = AuditLog.objects.get(table_name="carnivore_user")
    assert (erasure.record_id, erasure.changed_by) == (str(reader.id), None)
    assert not get_user_model().objects.filter(id=reader.id).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "staff",
    [{"is_staff": True}, {"is_staff": True, "is_superuser": True}],
    ids=["editor", "superuser"],
)
def test_staff_are_not_erased(client, staff):
    """DELETE /api/me/ from staff gets 403 and the command refuses them: nothing changes."""
    member = f.make_user(username="staffer", **staff)
    client.force_login(member)
    response = client.delete("/api/me/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Staff accounts are closed by an operator (manage.py erase_user)."
    }
    with pytest.raises(CommandError, match="staffer is staff"):
        call_command("erase_user", "staffer")
    assert get_user_model().objects.filter(id=member.id).exists()
    assert not AuditLog.objects.filter(table_name="carnivore_user").exists()


@pytest.mark.django_db
def test_leaving_needs_a_signed_in_reader(client):
    """DELETE /api/me/ from an anonymous caller gets 401; an unknown name is a command error."""
    assert client.delete("/api/me/").status_code == 401
    with pytest.raises(CommandError, match="no user with the id or username"):
        call_command("erase_user", str(uuid.uuid4()))


@pytest.mark.django_db
@pytest.mark.parametrize("identity", ["anon", "authenticated"])
def test_only_the_service_role_may_run_the_erasure(identity):
    """anon and a signed-in reader (even for themselves) are refused the SQL function."""
    reader = f.make_user()
    who = ANONYMOUS if identity == "anon" else identity_for_user(reader)
    with (
        pytest.raises(
            DatabaseError, match="permission denied for function engagement_reader_erase"
        ),
        transaction.atomic(),
        run_as(who),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT * FROM engagement_reader_erase(%s)", [reader.id])
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute("SELECT events_unlinked FROM engagement_reader_erase(%s)", [reader.id])
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_a_reader_still_soft_deletes_their_interests(client):
    """A reader's own DELETE of their interests row still hides it (is_active false), as
    before: only the owner's erasure removes it."""
    reader = f.make_user()
    row = f.make_interest(user=reader)
    with run_as(identity_for_user(reader)), connection.cursor() as cursor:
        cursor.execute("DELETE FROM user_interests WHERE user_id = %s", [reader.id])
    row.refresh_from_db()
    assert row.is_active is False


def call_command_output(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
