"""Row-level security, cell by cell: every identity x every application table x every operation.

Each cell runs raw SQL — what any client connected as the role could send — after switching
with `run_as`, the same role switch the application uses; the test connection itself is a
superuser. The expected outcome of every cell is written in the table below.

Outcomes
- select: which seeded rows are visible — `all`, `active` (only active rows), `own` (only the
  caller's), `none` — or `denied` (permission error).
- insert / update: `ok` (done), `none` (no row matched: row-level security hid it; the row is
  unchanged), `denied` (refused with an error).
- delete: `soft` (the row is kept with is_active = false), `none`, `denied`.

For the tables readers own rows in (user_interests, content_engagement) `own` targets the
caller's row (anonymous: a row without user; service: a spare user's) and `other` another
reader's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import DatabaseError, connection, transaction
from psycopg import errors

from carnivore.db_context import ANONYMOUS, SERVICE, identity_for_user, run_as
from tests import factories as f
from trending.models import TrendingAlert

IDENTITIES = ("anon", "user_a", "user_b", "admin", "auditor", "service")

# table                 operation       anon     user_a   user_b   admin    auditor  service
EXPECTED_TABLE = """
bento_grid_items        select          active   active   active   all      all      all
bento_grid_items        insert          denied   denied   denied   ok       denied   ok
bento_grid_items        update          denied   none     none     ok       none     ok
bento_grid_items        delete          denied   none     none     soft     none     soft
editorial_items         select          active   active   active   all      all      all
editorial_items         insert          denied   denied   denied   ok       denied   ok
editorial_items         update          denied   none     none     ok       none     ok
editorial_items         delete          denied   none     none     soft     none     soft
trending_topics         select          active   active   active   all      all      all
trending_topics         insert          denied   denied   denied   ok       denied   ok
trending_topics         update          denied   none     none     ok       none     ok
trending_topics         delete          denied   none     none     soft     none     soft
top_videos              select          active   active   active   all      all      all
top_videos              insert          denied   denied   denied   ok       denied   ok
top_videos              update          denied   none     none     ok       none     ok
top_videos              delete          denied   none     none     soft     none     soft
creators                select          active   active   active   all      all      all
creators                insert          denied   denied   denied   ok       denied   ok
creators                update          denied   none     none     ok       none     ok
creators                delete          denied   none     none     soft     none     soft
weekly_reports          select          all      all      all      all      all      all
weekly_reports          insert          denied   denied   denied   ok       denied   ok
weekly_reports          update          denied   none     none     ok       none     ok
weekly_reports          delete          denied   denied   denied   denied   denied   denied
youtube_crawls          select          all      all      all      all      all      all
youtube_crawls          insert          denied   denied   denied   ok       denied   ok
youtube_crawls          update          denied   none     none     ok       none     ok
youtube_crawls          delete          denied   denied   denied   denied   denied   denied
trending_topic_weeks    select          active   active   active   all      all      all
trending_topic_weeks    insert          denied   denied   denied   ok       denied   ok
trending_topic_weeks    update          denied   none     none     ok       none     ok
trending_topic_weeks    delete          denied   denied   denied   denied   denied   denied
top_video_weeks         select          active   active   active   all      all      all
top_video_weeks         insert          denied   denied   denied   ok       denied   ok
top_video_weeks         update          denied   none     none     ok       none     ok
top_video_weeks         delete          denied   denied   denied   denied   denied   denied
user_interests          select          denied   own      own      all      all      all
user_interests          insert_own      denied   ok       ok       ok       ok       ok
user_interests          insert_other    denied   denied   denied   denied   denied   ok
user_interests          update_own      denied   ok       ok       ok       ok       ok
user_interests          update_other    denied   none     none     ok       none     ok
user_interests          delete_own      denied   soft     soft     soft     soft     soft
user_interests          delete_other    denied   none     none     none     none     soft
content_engagement      select          denied   own      own      all      all      all
content_engagement      insert_own      ok       ok       ok       ok       ok       ok
content_engagement      insert_other    denied   denied   denied   denied   denied   ok
content_engagement      update          denied   denied   denied   denied   denied   denied
content_engagement      delete          denied   denied   denied   denied   denied   denied
engagement_rollups      select          all      all      all      all      all      all
engagement_rollups      insert          denied   denied   denied   denied   denied   denied
engagement_rollups      update          denied   denied   denied   denied   denied   denied
engagement_rollups      delete          denied   denied   denied   denied   denied   denied
engagement_event_keys   select          denied   denied   denied   denied   denied   denied
engagement_event_keys   insert          denied   denied   denied   denied   denied   denied
engagement_event_keys   update          denied   denied   denied   denied   denied   denied
engagement_event_keys   delete          denied   denied   denied   denied   denied   denied
engagement_votes        select          denied   denied   denied   denied   denied   denied
engagement_votes        insert          denied   denied   denied   denied   denied   denied
engagement_votes        update          denied   denied   denied   denied   denied   denied
engagement_votes        delete          denied   denied   denied   denied   denied   denied
engagement_toggles      select          denied   denied   denied   denied   denied   denied
engagement_toggles      insert          denied   denied   denied   denied   denied   denied
engagement_toggles      update          denied   denied   denied   denied   denied   denied
engagement_toggles      delete          denied   denied   denied   denied   denied   denied
engagement_salts        select          denied   denied   denied   denied   denied   denied
engagement_salts        insert          denied   denied   denied   denied   denied   denied
engagement_salts        update          denied   denied   denied   denied   denied   denied
engagement_salts        delete          denied   denied   denied   denied   denied   denied
engagement_rollup_state select          denied   denied   denied   denied   denied   all
engagement_rollup_state insert          denied   denied   denied   denied   denied   denied
engagement_rollup_state update          denied   denied   denied   denied   denied   denied
engagement_rollup_state delete          denied   denied   denied   denied   denied   denied
engagement_rollup_ahead select          denied   denied   denied   denied   denied   denied
engagement_rollup_ahead insert          denied   denied   denied   denied   denied   denied
engagement_rollup_ahead update          denied   denied   denied   denied   denied   denied
engagement_rollup_ahead delete          denied   denied   denied   denied   denied   denied
engagement_drops        select          denied   none     none     all      all      all
engagement_drops        insert          ok       ok       ok       ok       ok       ok
engagement_drops        update          denied   denied   denied   denied   denied   denied
engagement_drops        delete          denied   denied   denied   denied   denied   denied
trending_alerts         select          denied   none     none     all      all      all
trending_alerts         insert          denied   denied   denied   ok       denied   ok
trending_alerts         update          denied   denied   denied   denied   denied   ok
trending_alerts         delete          denied   denied   denied   denied   denied   denied
grid_refresh_runs       select          denied   none     none     all      all      all
grid_refresh_runs       insert          denied   denied   denied   ok       denied   ok
grid_refresh_runs       update          denied   denied   denied   denied   denied   denied
grid_refresh_runs       delete          denied   denied   denied   denied   denied   denied
audit_log               select          denied   none     none     all      all      denied
audit_log               insert          denied   denied   denied   denied   denied   denied
audit_log               update          denied   denied   denied   denied   denied   denied
audit_log               delete          denied   denied   denied   denied   denied   denied
"""


def parse_expected(text: str) -> dict[tuple[str, str, str], str]:
    cells = {}
    for line in text.strip().splitlines():
        table, operation, *outcomes = line.split()
        assert len(outcomes) == len(IDENTITIES), line
        for identity, outcome in zip(IDENTITIES, outcomes, strict=True):
            cells[table, operation, identity] = outcome
    return cells


EXPECTED = parse_expected(EXPECTED_TABLE)
TABLES = list(dict.fromkeys(table for table, _, _ in EXPECTED))


@dataclass
class World:
    """The seeded rows and people every cell runs against."""

    users: dict = field(default_factory=dict)  # identity name -> user (None: anon, service)
    rows: dict = field(default_factory=dict)  # table -> {label: id}
    spare: dict = field(default_factory=dict)  # ids of rows free for inserts

    def identity(self, who: str):
        if who == "anon":
            return ANONYMOUS
        if who == "service":
            return SERVICE
        return identity_for_user(self.users[who])


@pytest.fixture
def world(db) -> World:
    w = World()
    w.users = {
        "user_a": f.make_user(username="user_a"),
        "user_b": f.make_user(username="user_b"),
        "admin": f.make_editor(username="editor"),
        "auditor": f.make_auditor(username="auditor"),
        "spare": f.make_user(username="spare"),  # whose rows the service inserts and changes
    }
    creator = f.make_creator()
    topic, hidden_topic = f.make_topic(), f.make_topic(is_active=False)
    video, hidden_video = (
        f.make_video(creator=creator),
        f.make_video(creator=creator, is_active=False),
    )
    report, crawl = f.make_report(), f.make_crawl()
    w.rows = {
        "creators": {"active": creator.id, "inactive": f.make_creator(is_active=False).id},
        "trending_topics": {"active": topic.id, "inactive": hidden_topic.id},
        "top_videos": {"active": video.id, "inactive": hidden_video.id},
        "editorial_items": {
            "active": f.make_editorial().id,
            "inactive": f.make_editorial(is_active=False).id,
        },
        "bento_grid_items": {
            "active": f.make_grid_item(content_id=topic.id, content_title="t").id,
            "inactive": f.make_grid_item(
                content_id=hidden_topic.id, content_title="h", is_active=False
            ).id,
        },
        "weekly_reports": {"active": report.id},
        "youtube_crawls": {"active": crawl.id},
        "trending_topic_weeks": {
            "active": f.make_topic_week(topic=topic, report=report).id,
            "inactive": f.make_topic_week(topic=hidden_topic, report=report).id,
        },
        "top_video_weeks": {
            "active": f.make_video_week(video=video, crawl=crawl).id,
            "inactive": f.make_video_week(video=hidden_video, crawl=crawl).id,
        },
        "user_interests": {who: f.make_interest(user=user).id for who, user in w.users.items()},
        "content_engagement": {
            who: f.make_engagement(content_type="trending_topic", content_id=topic.id, user=user).id
            for who, user in w.users.items()
        }
        | {"anon": f.make_engagement(content_type="trending_topic", content_id=topic.id).id},
        "engagement_rollups": {"active": f.make_rollup().id},
        "engagement_event_keys": {},
        "engagement_drops": {"active": f.make_drop().id},
        "grid_refresh_runs": {"active": f.make_refresh_run().id},
        "trending_alerts": {
            "active": TrendingAlert.objects.create(event="new_topic", topic=topic, payload={}).id
        },
        "audit_log": {},
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO engagement_event_keys (event_uuid) VALUES (gen_random_uuid()) RETURNING event_uuid"
        )
        w.rows["engagement_event_keys"] = {"active": cursor.fetchone()[0]}
        # The rollup's own tables, seeded as the owner would fill them.
        cursor.execute(
            "INSERT INTO engagement_votes VALUES ('trending_topic', %s, date_trunc('hour', now()),"
            " 'view', gen_random_uuid()) RETURNING reader_key",
            [topic.id],
        )
        w.rows["engagement_votes"] = {"active": cursor.fetchone()[0]}
        cursor.execute(
            "INSERT INTO engagement_toggles VALUES ('trending_topic', %s, 'bookmark',"
            " gen_random_uuid(), 1, now(), now(), 'bookmark') RETURNING reader_key",
            [topic.id],
        )
        w.rows["engagement_toggles"] = {"active": cursor.fetchone()[0]}
        cursor.execute(
            "INSERT INTO engagement_salts VALUES (current_date, '\\x00')"
            " ON CONFLICT (day) DO UPDATE SET salt = excluded.salt RETURNING day"
        )
        w.rows["engagement_salts"] = {"active": cursor.fetchone()[0]}
        cursor.execute(
            "INSERT INTO engagement_rollup_state (id, next_xid) VALUES (1, '0')"
            " ON CONFLICT (id) DO UPDATE SET next_xid = excluded.next_xid RETURNING id"
        )
        w.rows["engagement_rollup_state"] = {"active": cursor.fetchone()[0]}
        cursor.execute("INSERT INTO engagement_rollup_ahead VALUES ('1', 0) RETURNING xid::text")
        w.rows["engagement_rollup_ahead"] = {"active": cursor.fetchone()[0]}
    w.spare = {
        "topic": f.make_topic().id,
        "video": f.make_video(creator=creator).id,
        "report": report.id,
        "crawl": crawl.id,
        "creator": creator.id,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM audit_log")
        w.rows["audit_log"] = {"active": cursor.fetchone()[0]}
        cursor.execute("SELECT id FROM engagement_rollups ORDER BY id")  # the seeded events' too
        w.rows["engagement_rollups"] = {
            f"rollup {i}": row for i, (row,) in enumerate(cursor.fetchall())
        }
    w.rows["trending_topics"]["spare"] = w.spare["topic"]
    w.rows["top_videos"]["spare"] = w.spare["video"]
    return w


def owner_of(who: str) -> str:
    """The user whose rows count as `who`'s own (the service acts on the spare user's)."""
    return "spare" if who == "service" else who


def other_of(who: str) -> str:
    return "user_a" if who == "user_b" else "user_b"


def user_id(w: World, label: str):
    return w.users[label].id if label in w.users else None


# --- the statements each operation sends --------------------------------------------------

UPDATES = {  # table -> (SET clause, condition the owner checks afterwards)
    "bento_grid_items": ("content_title = 'changed'", "content_title = 'changed'"),
    "editorial_items": ("title = 'changed'", "title = 'changed'"),
    "trending_topics": ("description = 'changed'", "description = 'changed'"),
    "top_videos": ("description = 'changed'", "description = 'changed'"),
    "creators": ("bio = 'changed'", "bio = 'changed'"),
    "weekly_reports": ("weekly_summary = 'changed'", "weekly_summary = 'changed'"),
    "youtube_crawls": ("source_file = 'changed'", "source_file = 'changed'"),
    "trending_topic_weeks": ("rank = 42", "rank = 42"),
    "top_video_weeks": ("rank = 42", "rank = 42"),
    "user_interests": ("interests = '[\"changed\"]'", "interests = '[\"changed\"]'"),
    "content_engagement": ("metadata = '{\"changed\": 1}'", "metadata = '{\"changed\": 1}'"),
    "engagement_rollups": ("views = views", "true"),
    "engagement_event_keys": ("created_at = created_at", "true"),
    "engagement_drops": ("user_agent = 'changed'", "user_agent = 'changed'"),
    "grid_refresh_runs": ("items_moved = 42", "items_moved = 42"),
    "trending_alerts": ("attempts = 42", "attempts = 42"),
    "audit_log": ("record_id = 'changed'", "record_id = 'changed'"),
    "engagement_votes": ("kind = 'click'", "kind = 'click'"),
    "engagement_toggles": ("interaction_type = 'unbookmark'", "interaction_type = 'unbookmark'"),
    "engagement_salts": ("salt = '\\x01'", "salt = '\\x01'"),
    "engagement_rollup_state": ("drained_at = now()", "drained_at IS NOT NULL"),
    "engagement_rollup_ahead": ("counted_id = 42", "counted_id = 42"),
}

KEY_COLUMN = {
    "engagement_event_keys": "event_uuid",
    "engagement_votes": "reader_key",
    "engagement_toggles": "reader_key",
    "engagement_salts": "day",
    "engagement_rollup_ahead": "xid::text",
}


def insert_statement(w: World, table: str, who: str, whose: str) -> tuple[str, list]:
    """Return an INSERT of one valid row; for owned tables, a row belonging to `whose`."""
    s = w.spare
    return {
        "bento_grid_items": (
            "INSERT INTO bento_grid_items (content_type, content_id, content_title) VALUES ('trending_topic', %s, 'x')",
            [s["topic"]],
        ),
        "editorial_items": (
            "INSERT INTO editorial_items (kind, title) VALUES ('research_update', 'x')",
            [],
        ),
        "trending_topics": (
            "INSERT INTO trending_topics (topic_slug, topic_name) VALUES ('new-topic', 'New topic')",
            [],
        ),
        "top_videos": (
            "INSERT INTO top_videos (video_id, title, creator_id) VALUES ('newvid', 'x', %s)",
            [s["creator"]],
        ),
        "creators": ("INSERT INTO creators (creator_name) VALUES ('New creator')", []),
        "weekly_reports": (
            "INSERT INTO weekly_reports (week_of, generated_at) VALUES ('2030-01-07', now())",
            [],
        ),
        "youtube_crawls": (
            "INSERT INTO youtube_crawls (collected_on, collected_at) VALUES ('2030-01-07', now())",
            [],
        ),
        "trending_topic_weeks": (
            "INSERT INTO trending_topic_weeks (topic_id, report_id, rank, engagement_score) VALUES (%s, %s, 9, 10)",
            [s["topic"], s["report"]],
        ),
        "top_video_weeks": (
            "INSERT INTO top_video_weeks (video_id, crawl_id, rank, engagement_score) VALUES (%s, %s, 9, 10)",
            [s["video"], s["crawl"]],
        ),
        "user_interests": (
            "INSERT INTO user_interests (user_id, interests, interest_tags) VALUES (%s, '[\"x\"]', '{x}')",
            [user_id(w, whose)],
        ),
        "content_engagement": (
            "INSERT INTO content_engagement (content_type, content_id, user_id, interaction_type) VALUES ('trending_topic', %s, %s, 'view')",
            [w.rows["trending_topics"]["active"], user_id(w, whose)],
        ),
        "engagement_rollups": (
            "INSERT INTO engagement_rollups (content_type, content_id, hour) VALUES ('top_video', 1, now())",
            [],
        ),
        "engagement_event_keys": (
            "INSERT INTO engagement_event_keys (event_uuid) VALUES (gen_random_uuid())",
            [],
        ),
        "engagement_drops": (
            "INSERT INTO engagement_drops (reason, event_count) VALUES ('bot_user_agent', 1)",
            [],
        ),
        "trending_alerts": (
            "INSERT INTO trending_alerts (event, topic_id, payload) VALUES ('new_topic', %s, '{}')",
            [s["topic"]],
        ),
        "grid_refresh_runs": (
            "INSERT INTO grid_refresh_runs (started_at, finished_at, duration_ms, items_ranked, items_moved, triggered_by) VALUES (now(), now(), 1, 1, 0, 'api')",
            [],
        ),
        "audit_log": (
            "INSERT INTO audit_log (table_name, record_id, operation, new_values, db_role) VALUES ('x', '1', 'INSERT', '{}', 'x')",
            [],
        ),
        "engagement_votes": (
            "INSERT INTO engagement_votes VALUES ('top_video', 1, now(), 'view', gen_random_uuid())",
            [],
        ),
        "engagement_toggles": (
            "INSERT INTO engagement_toggles VALUES ('top_video', 1, 'reaction', gen_random_uuid(),"
            " 1, now(), now(), 'unreact')",
            [],
        ),
        "engagement_salts": ("INSERT INTO engagement_salts VALUES ('2030-01-01', '\\x00')", []),
        "engagement_rollup_state": (
            "INSERT INTO engagement_rollup_state (id, next_xid) VALUES (1, '0')",
            [],
        ),
        "engagement_rollup_ahead": ("INSERT INTO engagement_rollup_ahead VALUES ('2', 0)", []),
    }[table]


def target_row(w: World, table: str, operation: str, who: str):
    """The row an update or delete aims at."""
    rows = w.rows[table]
    if operation.endswith("_own"):
        return rows.get(owner_of(who), rows["user_a"])  # anon owns no interests: aim at A's
    if operation.endswith("_other"):
        return rows[other_of(who)]
    return rows.get("active", next(iter(rows.values())))


def expected_visible(w: World, table: str, outcome: str, who: str) -> set:
    rows = w.rows[table]
    if outcome == "all":
        return set(rows.values())
    if outcome == "active":
        return {row for label, row in rows.items() if label != "inactive"}
    if outcome == "own":
        return {rows[owner_of(who)]}
    assert outcome == "none", outcome
    return set()


# --- running one cell ---------------------------------------------------------------------


class _Rollback(Exception):
    pass


def run_cell(w: World, table: str, operation: str, who: str) -> str:
    """Run one cell and return the outcome observed, in the table's vocabulary."""
    key = KEY_COLUMN.get(table, "id")
    identity = w.identity(who)
    observed = None
    whose = other_of(who) if operation == "insert_other" else owner_of(who)
    if table == "content_engagement" and who == "anon" and operation == "insert_own":
        whose = "nobody"
    try:
        with transaction.atomic():
            if table == "user_interests" and operation.startswith("insert") and whose in w.users:
                _hard_delete_interest_of(w, whose)
            with run_as(identity), connection.cursor() as cursor:
                if operation == "select":
                    cursor.execute(f"SELECT {key} FROM {table}")
                    visible = {row[0] for row in cursor.fetchall()}
                elif operation.startswith("insert"):
                    cursor.execute(*insert_statement(w, table, who, whose))
                    observed = "ok" if cursor.rowcount == 1 else f"inserted {cursor.rowcount}"
                elif operation.startswith("update"):
                    target = target_row(w, table, operation, who)
                    set_clause, _ = UPDATES[table]
                    cursor.execute(f"UPDATE {table} SET {set_clause} WHERE {key} = %s", [target])
                    changed = cursor.rowcount
                else:  # delete
                    target = target_row(w, table, operation, who)
                    cursor.execute(f"DELETE FROM {table} WHERE {key} = %s", [target])
                    deleted = cursor.rowcount
            # back to the test's superuser connection: look at what happened
            with connection.cursor() as cursor:
                if operation == "select":
                    observed = _name_visible(w, table, who, visible)
                elif operation.startswith("update"):
                    _, check = UPDATES[table]
                    cursor.execute(f"SELECT {check} FROM {table} WHERE {key} = %s", [target])
                    done = cursor.fetchone()[0]
                    observed = (
                        "ok"
                        if changed == 1 and done
                        else "none"
                        if changed == 0 and not done
                        else f"odd: {changed}, {done}"
                    )
                elif operation.startswith("delete"):
                    cursor.execute(f"SELECT is_active FROM {table} WHERE {key} = %s", [target])
                    row = cursor.fetchone()
                    if row is None:
                        observed = "hard-deleted"
                    elif deleted == 0 and row[0] is False:
                        observed = "soft"
                    elif deleted == 0 and row[0] is True:
                        observed = "none"
                    else:
                        observed = f"odd: {deleted}, {row}"
            raise _Rollback
    except _Rollback:
        return observed
    except DatabaseError as exc:
        if isinstance(exc.__cause__, errors.InsufficientPrivilege):
            return "denied"
        raise


def _name_visible(w: World, table: str, who: str, visible: set) -> str:
    """Name the visible set in the table's vocabulary, or describe it."""
    if table == "audit_log":  # its rows keep growing; all or nothing is what matters
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_log")
            total = cursor.fetchone()[0]
        return (
            "all"
            if total and len(visible) == total
            else "none"
            if not visible
            else f"{len(visible)} of {total}"
        )
    for outcome in ("all", "active", "own", "none"):
        try:
            if visible == expected_visible(w, table, outcome, who):
                return outcome
        except KeyError:
            continue
    return f"rows {sorted(map(str, visible))}"


def _hard_delete_interest_of(w: World, label: str) -> None:
    """Remove a reader's interests row outright (as the superuser, triggers off), so that an
    insert for them meets the policies rather than the one-row-per-reader key."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM user_interests WHERE user_id = %s", [user_id(w, label)])
        cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.mark.parametrize("table", TABLES)
def test_policy_matrix(world, table):
    """Every cell of the table's rows in EXPECTED_TABLE holds."""
    wrong = []
    for (cell_table, operation, who), expected in EXPECTED.items():
        if cell_table != table:
            continue
        observed = run_cell(world, table, operation, who)
        if observed != expected:
            wrong.append(f"{table} {operation} as {who}: expected {expected}, got {observed}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_every_application_table_is_in_the_matrix():
    """No application table escapes the matrix: each has RLS enabled and forced."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND c.relname NOT LIKE 'django\\_%%' AND c.relname NOT LIKE 'auth\\_%%'
              AND c.relname NOT LIKE 'carnivore\\_user%%' AND c.relname <> 'authtoken_token'
              AND c.relname NOT LIKE 'axes\\_%%'
            """
        )
        tables = cursor.fetchall()
    assert {name for name, _, _ in tables} == set(TABLES)
    assert all(enabled and forced for _, enabled, forced in tables), tables
