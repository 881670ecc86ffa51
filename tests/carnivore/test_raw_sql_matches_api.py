"""A raw SQL client that takes a user's role and claims sees exactly what that user sees
through the API (the README shows how to do this by hand)."""

from __future__ import annotations

import json

import psycopg
import pytest
from django.db import connection

from engagement.services import engagement_rollup_drain
from tests import factories as f
from tests.conftest import server_conninfo


def raw_client_rows(sql: str, *, role: str, claims: dict) -> list[tuple]:
    """Run `sql` on a separate connection, as the README's psql session does."""
    conninfo = server_conninfo(connection.settings_dict, connection.settings_dict["NAME"])
    with psycopg.connect(conninfo) as raw:
        raw.execute(f"SET LOCAL ROLE {role}")  # role is one of this test's constants
        raw.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        return raw.execute(sql).fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_readers_events_are_the_same_through_the_api_and_raw_sql(client):
    """A reader sees the same events of theirs through the API and as their role in raw SQL."""
    topic = f.make_topic()
    reader, other = f.make_user(), f.make_user()
    for user in (reader, reader, other, None):
        f.make_engagement(content_type="trending_topic", content_id=topic.id, user=user)

    client.force_login(reader)
    through_api = {row["id"] for row in client.get("/api/engagement/mine/").json()["results"]}
    through_sql = {
        row_id
        for (row_id,) in raw_client_rows(
            "SELECT id FROM content_engagement",
            role="authenticated",
            claims={"sub": str(reader.id), "role": "authenticated"},
        )
    }
    assert through_api == through_sql
    assert len(through_sql) == 2


@pytest.mark.django_db(transaction=True)
def test_anonymous_sentiment_is_the_same_through_the_api_and_raw_sql(client):
    """Anonymous callers get the same sentiment rows from the API and as `anon` in raw SQL."""
    topic, hidden = f.make_topic(), f.make_topic()
    for content in (topic, hidden):
        f.make_engagement(
            content_type="trending_topic",
            content_id=content.id,
            interaction_type="reaction",
            sentiment="positive",
        )
    engagement_rollup_drain()
    hidden.is_active = False  # hidden after readers engaged with it (hidden content takes none)
    hidden.save(update_fields=["is_active"])
    through_api = [
        (r["content_type"], r["content_id"], r["events"], r["positive_percent"])
        for r in client.get("/api/engagement/sentiment/").json()["results"]
    ]
    through_sql = [
        (content_type, content_id, events, float(percent))
        for content_type, content_id, events, percent in raw_client_rows(
            "SELECT content_type, content_id, events, positive_percent FROM engagement_sentiment_7d"
            " ORDER BY content_type, content_id",
            role="anon",
            claims={"role": "anon"},
        )
    ]
    assert through_api == through_sql == [("trending_topic", topic.id, 1, 100.0)]
