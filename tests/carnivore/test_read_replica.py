"""With DATABASE_REPLICA_URL, GET requests read from the replica under the caller's identity;
writes go to the primary. Tested with a second connection alias to the same database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connections, router

from carnivore.db_routing import REPLICA_DB_ALIAS, ReadReplicaRouter
from grid.models import RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f
from tests.conftest import PROJECT_DIR, statements_sent

# A second alias to the test database, known before the test database is set up (Django's test
# MIRROR): a replica as far as the application can tell.
connections.settings.setdefault(
    REPLICA_DB_ALIAS, {**connections.settings["default"], "TEST": {"MIRROR": "default"}}
)
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA_DB_ALIAS])


@pytest.fixture
def replica(settings, monkeypatch):
    """Configure the replica the way DATABASE_REPLICA_URL does: the flag and the router."""
    settings.READ_REPLICA = True
    monkeypatch.setattr(router, "routers", [ReadReplicaRouter()])
    yield connections[REPLICA_DB_ALIAS]
    connections[REPLICA_DB_ALIAS].close()


def test_get_requests_read_from_the_replica_under_the_callers_identity(client, replica):
    """A GET reads the replica only, under row-level security, and leaves no identity behind."""
    shown, hidden = (
        f.make_topic(topic_slug="shown"),
        f.make_topic(topic_slug="hidden", is_active=False),
    )
    report = f.make_report()
    f.make_topic_week(topic=shown, report=report, rank=1)
    f.make_topic_week(topic=hidden, report=report, rank=2)
    with statements_sent() as on_primary, statements_sent(REPLICA_DB_ALIAS) as on_replica:
        body = client.get("/api/trending/").json()
    assert [t["topic"]["topic_slug"] for t in body["topics"]] == ["shown"]  # RLS on the replica
    assert on_replica and not on_primary
    with replica.cursor() as cursor:
        cursor.execute("SELECT current_user = session_user")
        assert cursor.fetchone() == (True,)  # no identity left behind on the replica


def test_writes_go_to_the_primary(client, replica):
    """A POST writes to the primary and sends nothing to the replica."""
    topic = f.make_topic()
    with statements_sent(REPLICA_DB_ALIAS) as on_replica:
        response = client.post(
            "/api/engagement/",
            {"content_type": "trending_topic", "content_id": topic.id, "interaction_type": "view"},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert on_replica == []


def test_djangos_own_tables_are_read_from_the_primary(client, replica, staff_groups):
    """Users, groups and permissions are read as the connecting role, which only the primary
    connection switches to; the grid items of an editor's admin page come from the replica."""
    f.make_grid_item()
    client.force_login(f.make_editor(is_staff=True))
    with statements_sent(REPLICA_DB_ALIAS) as on_replica:
        index = client.get("/admin/")
        grid_items = client.get("/admin/grid/bentogriditem/")
    assert (index.status_code, grid_items.status_code) == (200, 200)
    assert any("bento_grid_items" in sql for sql in on_replica)
    assert not any("auth_permission" in sql or "carnivore_user" in sql for sql in on_replica)


def test_the_homepage_and_a_readers_interests_are_read_from_the_primary(client, replica):
    """A refresh clears the cached homepage; refilling it from a replica that is behind would
    serve the old grid for the cache's lifetime. Interests are read where they were saved."""
    topic = f.make_topic()
    f.make_grid_item(content_id=topic.id, content_title=topic.topic_name)
    reader = f.make_user()
    f.make_interest(user=reader, interest_tags=["sleep"])
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    client.force_login(reader)
    with statements_sent() as on_primary, statements_sent(REPLICA_DB_ALIAS) as on_replica:
        public = client.get("/api/grid/")
        personal = client.get("/api/grid/personalized/")
    assert (public.status_code, personal.status_code) == (200, 200)
    assert [i["id"] for i in public.json()["items"]] == [i["id"] for i in personal.json()["items"]]
    assert any("homepage_grid" in sql for sql in on_primary)
    assert any("user_interests" in sql for sql in on_primary)
    assert on_replica == []


def test_the_replica_keeps_the_connection_options_of_its_own_url():
    """sslmode and the like given in DATABASE_REPLICA_URL are kept beside the primary's options."""
    program = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['replica']['OPTIONS']))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carnivore.settings",
        "DATABASE_URL": "postgres://app@primary.example/carnivore",
        "DATABASE_REPLICA_URL": "postgres://app@replica.example/carnivore?sslmode=verify-full",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {program}"],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    options = json.loads(result.stdout)
    assert options["sslmode"] == "verify-full"
    assert "server_side_binding" in options  # the primary's
