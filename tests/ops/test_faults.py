"""Faults in production (issue 8): the database restarting, the weekly import killed, Redis down.

- PostgreSQL restarted twice (a fast shutdown, then a crash: `-m immediate`) in the middle of a
  stream of engagement events sent to gunicorn: every acknowledged event is stored exactly once,
  the requests that failed were answered at once with a clear 503 (none hung), the application
  recovers by itself, and a client that resends its failed events with the same `event_uuid`
  ends with every event stored once. This runs on a throwaway server of the test server's major
  version: the shared servers are never restarted.
- `manage.py import_analyzed_content` killed with SIGKILL after it has written reports, crawls,
  creators, topics, videos, their weeks and audit rows inside its transaction: every table is
  exactly as before, and running the import again imports everything.
- A request that loses the database (its backend terminated in the view, or the server down
  when it connects) is answered 503 with a JSON `detail` and Retry-After, not a 500 page.
- Redis stopped under gunicorn and a django-q2 cluster: the API keeps answering at once from the
  database, an import whose job cannot be queued still commits, and the cluster outlives the
  outage and runs a job queued after Redis is back.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import redis as redis_client
from django.db import connection
from psycopg import sql
from rest_framework.authtoken.models import Token

from engagement.apis import MAX_BATCH
from grid.models import GridRefreshRun, RefreshTrigger
from grid.selectors import HOMEPAGE_CACHE_KEY, grid_homepage_from_database
from grid.services import grid_refresh
from tests import factories as f
from tests.conftest import PROJECT_DIR, database_url, manage, server_conninfo
from tests.ops.servers import (
    app_environment,
    child_process,
    http,
    postgres_bin_dir,
    running_gunicorn,
    running_postgres,
    running_redis,
    wait_for,
)
from trending.models import TrendingAlert, TrendingTopic, WeeklyReport
from trending.weekly_import.run import SAMPLE_WEEK, sample_week_import, weekly_import
from trending.weekly_import.state import IMPORT_KINDS

pytestmark = pytest.mark.slow

MANAGE = [sys.executable, str(PROJECT_DIR / "manage.py")]
# Readers' events must not be throttled by the stream itself.
UNTHROTTLED = {"ENGAGEMENT_ANON_RATE": "1000000/min"}
FAILED_ANSWER_SECONDS = 2.0  # a request that fails must say so within this
CLIENT_TIMEOUT_SECONDS = 10.0  # a request still unanswered after this has hung
DATABASE_UNAVAILABLE = {"detail": "The database is unavailable or busy; try again."}  # with a 503


def child_database_url() -> str:
    """The DATABASE_URL of the test database, for child processes."""
    return database_url(connection.settings_dict, connection.settings_dict["NAME"])


def superuser_connection(**kwargs) -> psycopg.Connection:
    """Connect to the test database as the test user (a superuser: row security does not apply)."""
    settings_dict = connection.settings_dict
    return psycopg.connect(server_conninfo(settings_dict, settings_dict["NAME"]), **kwargs)


# --- 1. PostgreSQL restarted in the middle of a stream of events ---------------------------


@dataclass(frozen=True)
class Attempt:
    """One POST of one event, as its client saw it."""

    event_uuid: str
    started: float  # time.monotonic()
    seconds: float
    status: int | None  # None: no HTTP answer at all (timeout, connection refused)
    body: bytes
    retry_after: str | None = None
    error: str = ""

    @property
    def acknowledged(self) -> bool:
        return self.status == 201


@dataclass
class EngagementStream:
    """Clients POSTing one view event each, one after another, each with its own event_uuid."""

    url: str
    content_id: int
    clients: int = 4
    attempts: list[Attempt] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def payload(self, event_uuid: str) -> bytes:
        return json.dumps(
            {
                "content_type": "trending_topic",
                "content_id": self.content_id,
                "interaction_type": "view",
                "event_uuid": event_uuid,
            }
        ).encode()

    def send(self, event_uuid: str) -> Attempt:
        started = time.monotonic()
        try:
            answer = http(
                "POST",
                f"{self.url}/api/engagement/",
                self.payload(event_uuid),
                timeout=CLIENT_TIMEOUT_SECONDS,
            )
        except OSError as exc:  # no answer: the client gave up or could not connect
            return Attempt(
                event_uuid, started, time.monotonic() - started, None, b"", None, repr(exc)
            )
        seconds = time.monotonic() - started
        retry_after = answer.headers.get("Retry-After")
        return Attempt(event_uuid, started, seconds, answer.status, answer.body, retry_after)

    def client(self) -> None:
        while not self._stop.is_set():
            attempt = self.send(str(uuid.uuid4()))
            with self._lock:
                self.attempts.append(attempt)

    def acknowledged_since(self, moment: float) -> int:
        with self._lock:
            return sum(1 for a in self.attempts if a.started >= moment and a.acknowledged)

    @contextmanager
    def running(self) -> Iterator[EngagementStream]:
        threads = [threading.Thread(target=self.client) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            for thread in threads:
                thread.join(timeout=CLIENT_TIMEOUT_SECONDS + 5)


@pytest.fixture(scope="module")
def migrated_throwaway_postgres(django_db_blocker):
    """A PostgreSQL server of the test server's major version, of our own, with the application
    migrated into database `carnivore` and the sample week imported."""
    with django_db_blocker.unblock():
        major = connection.pg_version // 10000
    with running_postgres(postgres_bin_dir(major=major)) as server:
        with server.connect(autocommit=True) as admin:
            admin.execute("CREATE DATABASE carnivore")
        url = server.url("carnivore")
        manage("migrate", "--no-input", database_url=url)
        manage(
            "import_analyzed_content", str(SAMPLE_WEEK / "analyzed_content.json"), database_url=url
        )
        yield server


def test_postgres_restart_mid_stream_loses_no_acknowledged_event(
    migrated_throwaway_postgres, tmp_path
):
    """Two restarts under a stream of events: every 201 is stored once, failures are quick
    503s, the stream recovers by itself, and resending the failed events stores each once."""
    server = migrated_throwaway_postgres
    with server.connect("carnivore") as db:
        (topic_id,) = db.execute("SELECT min(id) FROM trending_topics").fetchone()
    env = app_environment(server.url("carnivore"), **UNTHROTTLED)
    restarts: list[tuple[str, float, float]] = []
    with running_gunicorn(env, tmp_path / "gunicorn.log") as (url, _):
        stream = EngagementStream(url, topic_id)
        with stream.running():
            start = time.monotonic()
            wait_for(lambda: stream.acknowledged_since(start) >= 100, timeout=20, what="warm-up")
            for mode in ("fast", "immediate"):
                began = time.monotonic()
                server.restart(mode)
                restarts.append((mode, began, time.monotonic()))
                wait_for(
                    lambda since=restarts[-1][2]: stream.acknowledged_since(since) >= 200,
                    timeout=20,
                    what=f"the stream to recover after the {mode} restart",
                )
        attempts = sorted(stream.attempts, key=lambda a: a.started)

        failed = [a for a in attempts if not a.acknowledged]
        unanswered = [a for a in failed if a.status is None]
        assert not unanswered, f"requests without an answer: {unanswered[:3]}"
        assert {a.status for a in failed} <= {503}, {(a.status, a.body[:200]) for a in failed}
        for a in failed:
            assert json.loads(a.body) == DATABASE_UNAVAILABLE
            assert a.retry_after == "1"
        # Each restart was really hit: requests sent while the server was down failed ...
        for mode, began, ended in restarts:
            assert any(began <= a.started <= ended for a in failed), f"no failure in {mode}"
        # ... and were answered at once, not left hanging.
        assert max(a.seconds for a in failed) < FAILED_ANSWER_SECONDS
        # Recovered by itself: after the last restart, the stream ends with successes only.
        assert all(a.acknowledged for a in attempts[-100:])

        with server.connect("carnivore") as db:
            stored = dict(
                db.execute(
                    "SELECT event_uuid::text, count(*) FROM content_engagement"
                    " WHERE event_uuid = ANY(%s::uuid[]) GROUP BY 1",
                    [[a.event_uuid for a in attempts]],
                ).fetchall()
            )
        acknowledged = [a.event_uuid for a in attempts if a.acknowledged]
        assert [u for u in acknowledged if stored.get(u) != 1] == []

        # The client's retry: the failed events again, with the same event_uuid, in batches.
        for first in range(0, len(failed), MAX_BATCH):
            batch = [json.loads(stream.payload(a.event_uuid)) for a in failed[first:][:MAX_BATCH]]
            answer = http("POST", f"{url}/api/engagement/", json.dumps({"events": batch}).encode())
            assert answer.status == 201, answer.body
            assert json.loads(answer.body)["received"] == len(batch)
    with server.connect("carnivore") as db:
        stored = dict(
            db.execute(
                "SELECT event_uuid::text, count(*) FROM content_engagement GROUP BY 1"
            ).fetchall()
        )
        db.execute("SELECT engagement_rollup_drain()")  # what the rollup worker does
        db.commit()
        drift = db.execute("SELECT * FROM engagement_score_drift()").fetchall()
        (view_count,) = db.execute(
            "SELECT view_count FROM bento_grid_items"
            " WHERE content_type = 'trending_topic' AND content_id = %s",
            [topic_id],
        ).fetchone()
    assert stored == {a.event_uuid: 1 for a in attempts}
    assert drift == []  # the rollup's counts match the stored events, crash or not
    assert view_count == len(attempts)

    down = {
        mode: [a for a in failed if began - 1 <= a.started <= ended + 1]
        for mode, began, ended in restarts
    }
    print(
        f"\n{len(attempts)} events in {attempts[-1].started - attempts[0].started:.1f} s,"
        f" {len(acknowledged)} acknowledged (median"
        f" {statistics.median(a.seconds for a in attempts if a.acknowledged) * 1000:.0f} ms),"
        f" {len(failed)} answered 503;"
        + "".join(
            f"\n  {mode} restart: {ended - began:.2f} s, {len(down[mode])} failed requests over"
            f" {max(a.started for a in down[mode]) - min(a.started for a in down[mode]):.2f} s,"
            f" slowest failure {max(a.seconds for a in down[mode]) * 1000:.0f} ms"
            for mode, began, ended in restarts
        )
    )


def test_a_request_that_loses_the_database_is_answered_503_at_once(
    migrated_throwaway_postgres, tmp_path
):
    """Both ways a request loses PostgreSQL, one at a time: its connection is ended while it
    waits in the view (a backend terminated), and the server is down when it connects. Each is
    answered 503 with a JSON `detail` and Retry-After, and the next request succeeds again."""
    server = migrated_throwaway_postgres
    with server.connect("carnivore") as db:
        (topic_id,) = db.execute("SELECT min(id) FROM trending_topics").fetchone()
    env = app_environment(server.url("carnivore"), **UNTHROTTLED)
    with running_gunicorn(env, tmp_path / "gunicorn.log", workers=1) as (url, _):
        stream = EngagementStream(url, topic_id)
        assert stream.send(str(uuid.uuid4())).status == 201

        # In the view: the event's INSERT waits for a lock, and its backend is terminated.
        with (
            server.connect("carnivore") as locker,
            server.connect("carnivore", autocommit=True) as admin,
        ):
            locker.execute("LOCK TABLE content_engagement IN SHARE MODE")
            answer: list[Attempt] = []
            sender = threading.Thread(target=lambda: answer.append(stream.send(str(uuid.uuid4()))))
            sender.start()
            try:
                waiting = wait_for(
                    lambda: admin.execute(
                        "SELECT pid FROM pg_locks WHERE NOT granted"
                        " AND relation = 'content_engagement'::regclass"
                    ).fetchone(),
                    timeout=10,
                    what="the request to wait for the lock",
                )
                admin.execute("SELECT pg_terminate_backend(%s)", waiting)
            finally:
                sender.join(timeout=CLIENT_TIMEOUT_SECONDS + 5)
            locker.rollback()
        (terminated,) = answer

        # Connecting: the server is stopped.
        server.pg_ctl("stop", "-w", "-m", "fast")
        try:
            refused = stream.send(str(uuid.uuid4()))
            health = http("GET", f"{url}/healthz")
        finally:
            server.start()
        recovered = stream.send(str(uuid.uuid4()))

    for failed in (terminated, refused):
        assert failed.status == 503, failed.body
        assert json.loads(failed.body) == DATABASE_UNAVAILABLE
        assert failed.retry_after == "1"
        assert failed.seconds < FAILED_ANSWER_SECONDS
    assert health.status == 503
    assert recovered.status == 201


# --- 2. The weekly import killed half-way --------------------------------------------------


@dataclass(frozen=True)
class WeekFiles:
    """A week's report and crawl."""

    analyzed: Path
    youtube: Path

    def arguments(self) -> list[str]:
        """The arguments of `manage.py import_analyzed_content` for this week."""
        return [str(self.analyzed), "--youtube", str(self.youtube)]

    def weekly_import(self, **options):
        return weekly_import(analyzed=[self.analyzed], youtube=[self.youtube], **options)


def next_week_files(folder: Path, *, new_topics: int = 5, new_creators: int = 40) -> WeekFiles:
    """Write the week after the sample week into `folder`: its topics again and `new_topics`
    new ones; its crawl's creators again, more viewed, and `new_creators` new ones with five
    videos each."""
    report = json.loads((SAMPLE_WEEK / "analyzed_content.json").read_text())
    known = json.loads(report["trending_topics"].split("```json")[1].split("```")[0])
    report["analysis_date"] = "November 30, 2026"
    report["timestamp"] = "2026-11-30T09:14:52.318204"
    report["trending_topics"] = [{"topic": t["topic"]} for t in known] + [
        {"topic": f"Fault Drill Topic {n}"} for n in range(1, new_topics + 1)
    ]
    crawl = json.loads((SAMPLE_WEEK / "youtube_data.json").read_text())
    crawl["collection_date"] = "2026-11-30"
    crawl["collection_timestamp"] = "2026-11-30T09:02:41.774120"
    template = crawl["top_creators"][0]["videos"][0]
    for creator in crawl["top_creators"]:
        for video in creator["videos"]:
            if isinstance(video.get("statistics"), dict):  # some carry them as a string
                video["statistics"]["view_count"] += 1000
    for c in range(new_creators):
        name = f"Fault Drill Channel {c}"
        channel_id = f"UCfaultdrill{c:012d}"
        videos = [
            {
                **template,
                "video_id": f"fd{c:04d}v{v:04d}",
                "title": f"Drill video {c}.{v}",
                "channel_name": name,
                "thumbnail_url": f"https://i.ytimg.com/vi/fd{c:04d}v{v:04d}/mqdefault.jpg",
                "statistics": {
                    "view_count": 1000 + 37 * c + v,
                    "like_count": 5,
                    "comment_count": 1,
                },
            }
            for v in range(5)
        ]
        crawl["top_creators"].append(
            {
                "channel_id": channel_id,
                "channel_name": name,
                "total_views_week": sum(v["statistics"]["view_count"] for v in videos),
                "videos": videos,
            }
        )
    week = WeekFiles(folder / "analyzed_content.json", folder / "youtube_data.json")
    week.analyzed.write_text(json.dumps(report))
    week.youtube.write_text(json.dumps(crawl))
    return week


def database_fingerprint() -> dict[str, tuple[int, str]]:
    """Every table and materialized view of the test database: its row count and a digest of
    its rows (read as the superuser, which row-level security does not filter)."""
    with superuser_connection() as db:
        relations = db.execute(
            "SELECT n.nspname, c.relname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'm')"
            " AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            " ORDER BY 1, 2"
        ).fetchall()
        return {
            f"{schema}.{name}": db.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text),"
                    " '')) FROM {} t"
                ).format(sql.Identifier(schema, name))
            ).fetchone()
            for schema, name in relations
        }


KILLED_IMPORT = "carnivore-import-to-kill"
# What the import has written before it reaches the grid items (the last of its steps).
WRITTEN_BEFORE_GRID_ITEMS = {
    "weekly_reports",
    "youtube_crawls",
    "creators",
    "trending_topics",
    "trending_topic_weeks",
    "top_videos",
    "top_video_weeks",
    "audit_log",
}


def blocked_import_backend(db: psycopg.Connection) -> tuple[int, set[str]] | None:
    """The killed import's backend once it waits for the grid items, with the tables it holds
    a write lock on (RowExclusiveLock: it inserted or updated rows there); None before."""
    db.rollback()  # a new snapshot of the statistics each time
    row = db.execute(
        "SELECT a.pid, a.backend_xid IS NOT NULL FROM pg_stat_activity a"
        " JOIN pg_locks l ON l.pid = a.pid"
        " WHERE a.application_name = %s AND NOT l.granted"
        " AND l.relation = 'bento_grid_items'::regclass",
        [KILLED_IMPORT],
    ).fetchone()
    if row is None:
        return None
    pid, has_written = row
    assert has_written, "the import waits for the grid items without having written"
    written = db.execute(
        "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
        " WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'",
        [pid],
    ).fetchall()
    return pid, {name for (name,) in written}


def backend_ended(db: psycopg.Connection, pid: int) -> bool:
    db.rollback()  # a new snapshot of the statistics each time
    return db.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() is None


@pytest.mark.django_db(transaction=True)
def test_import_killed_halfway_leaves_nothing_and_reruns_completely(tmp_path):
    """SIGKILL while the import waits to write its grid items, all else written in its
    transaction: every table is as before; then the same import runs to completion."""
    sample_week_import()
    week = next_week_files(tmp_path)
    would = week.weekly_import(dry_run=True)
    assert all(would.counts[kind].created > 0 for kind in IMPORT_KINDS)
    before = database_fingerprint()

    env = app_environment(
        f"{child_database_url()}{'&' if '?' in child_database_url() else '?'}"
        f"application_name={KILLED_IMPORT}"
    )
    command = [*MANAGE, "import_analyzed_content", *week.arguments()]
    # A lock on the grid items that the import's last step must wait for: the kill then lands
    # at a known point, whatever the machine's speed, with everything else written.
    with superuser_connection() as barrier, superuser_connection(autocommit=False) as watcher:
        barrier.execute("LOCK TABLE bento_grid_items IN SHARE MODE")
        with child_process(command, env=env, log=tmp_path / "import.log") as child:
            pid, written = wait_for(
                lambda: blocked_import_backend(watcher), timeout=30, what="the import to block"
            )
            assert written >= WRITTEN_BEFORE_GRID_ITEMS
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(timeout=10) == -signal.SIGKILL
        barrier.rollback()
        # The server notices its client is gone once the lock is granted, and rolls back.
        wait_for(
            lambda: backend_ended(watcher, pid), timeout=30, what="the import's backend to end"
        )

    assert database_fingerprint() == before
    assert not WeeklyReport.objects.filter(week_of="2026-11-30").exists()

    rerun = manage(
        "import_analyzed_content", *week.arguments(), database_url=child_database_url(), check=False
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    after = database_fingerprint()
    for kind, table in (
        ("reports", "weekly_reports"),
        ("crawls", "youtube_crawls"),
        ("creators", "creators"),
        ("topics", "trending_topics"),
        ("topic_weeks", "trending_topic_weeks"),
        ("videos", "top_videos"),
        ("video_weeks", "top_video_weeks"),
        ("grid_items", "bento_grid_items"),
    ):
        grown = after[f"public.{table}"][0] - before[f"public.{table}"][0]
        assert grown == would.counts[kind].created, kind
    assert not week.weekly_import(dry_run=True).changed  # the database holds the whole week


# --- 3. Redis stopped ----------------------------------------------------------------------


REDIS_DOWN_ANSWER_SECONDS = 1.5  # observed: 20-500 ms; a frozen Redis costs 0.5 s per cache call
MIN_OUTAGE_SECONDS = 3.0


def homepage_cached(cache: redis_client.Redis) -> bool:
    """Whether the public grid is in the Redis cache (django-redis keys: prefix:version:key)."""
    return bool(cache.keys(f"*:{HOMEPAGE_CACHE_KEY}"))


def timed(method: str, url: str, *, body: dict | None = None, token: str | None = None):
    """Send a request; return its status, its JSON body, and how long it took."""
    headers = {"Authorization": f"Token {token}"} if token else {}
    started = time.monotonic()
    answer = http(
        method, url, json.dumps(body).encode() if body is not None else None, headers=headers
    )
    return answer.status, json.loads(answer.body), time.monotonic() - started


def enqueue(env: dict, func: str) -> None:
    """Queue `func` as a django-q2 task on the broker `env` names, from a child process."""
    queued = manage(
        "shell",
        "-c",
        f"from django_q.tasks import async_task; async_task({func!r})",
        env=env,
        check=False,
    )
    assert queued.returncode == 0, queued.stderr


def scheduled_refreshes() -> int:
    """Grid refreshes run by the job (`grid.tasks.refresh_bento_grid`)."""
    return GridRefreshRun.objects.filter(triggered_by=RefreshTrigger.SCHEDULE).count()


@pytest.mark.django_db(transaction=True)
def test_redis_down_the_api_answers_and_the_job_cluster_survives(tmp_path):
    """Redis stopped: the grid, events and a refresh answer at once from the database, an import
    whose alert job cannot be queued still commits, and the django-q2 cluster lives through the
    outage and runs a job queued once Redis is back."""
    sample_week_import()
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    editor_token = Token.objects.create(user=f.make_editor()).key
    (topic_id,) = TrendingTopic.objects.order_by("id").values_list("id", flat=True)[:1]
    event = {"content_type": "trending_topic", "content_id": topic_id, "interaction_type": "view"}

    with running_redis(tmp_path) as redis:
        env = app_environment(
            child_database_url(),
            REDIS_URL=redis.url,
            Q_WORKERS="1",
            LOG_LEVEL="INFO",
            **UNTHROTTLED,
        )
        cache = redis_client.Redis.from_url(redis.url)
        with (
            running_gunicorn(env, tmp_path / "gunicorn.log") as (url, _),
            child_process([*MANAGE, "qcluster"], env=env, log=tmp_path / "qcluster.log") as cluster,
        ):
            status, homepage, _ = timed("GET", f"{url}/api/grid/")
            assert status == 200 and homepage["items"]
            assert homepage_cached(cache)
            enqueue(env, "grid.tasks.refresh_bento_grid")
            wait_for(lambda: scheduled_refreshes() == 1, timeout=30, what="the first job")

            redis.stop()
            stopped = time.monotonic()
            # The job's refresh ranked the same tiles again, aged since: what the database holds.
            ranked = grid_homepage_from_database().document()["items"]
            assert [i["id"] for i in ranked] == [i["id"] for i in homepage["items"]]
            answers = {
                "grid": timed("GET", f"{url}/api/grid/"),
                "event": timed("POST", f"{url}/api/engagement/", body=event),
                "refresh": timed("POST", f"{url}/api/grid/refresh/", token=editor_token),
            }
            assert {name: a[0] for name, a in answers.items()} == {
                "grid": 200,
                "event": 201,
                "refresh": 201,
            }
            assert answers["grid"][1]["items"] == ranked
            slowest = max(a[2] for a in answers.values())
            assert slowest < REDIS_DOWN_ANSWER_SECONDS

            # The import queues its alerts' delivery after it commits; that fails, the import not.
            started = time.monotonic()
            imported = manage(
                "import_analyzed_content",
                *next_week_files(tmp_path).arguments(),
                env=env,
                check=False,
            )
            import_seconds = time.monotonic() - started
            assert imported.returncode == 0, imported.stderr
            assert "could not queue the delivery of trending alerts" in imported.stderr
            assert WeeklyReport.objects.filter(week_of="2026-11-30").exists()
            new_topic_alerts = TrendingAlert.objects.filter(topic__topic_name__startswith="Fault")
            assert new_topic_alerts.filter(delivered_at=None).count() == 5  # in the outbox

            # Long enough for every cluster process to have met the outage (they poll twice a
            # second): the pusher's blocking read fails, and the sentinel must replace it.
            time.sleep(max(0.0, MIN_OUTAGE_SECONDS - (time.monotonic() - stopped)))
            assert cluster.poll() is None, "the cluster died with Redis"
            redis.start()
            enqueue(env, "grid.tasks.refresh_bento_grid")
            wait_for(lambda: scheduled_refreshes() == 2, timeout=30, what="a job after the outage")
            assert cluster.poll() is None

            status, _, _ = timed("GET", f"{url}/api/grid/")
            assert status == 200 and homepage_cached(cache)  # the cache is used again
    print(
        "\nRedis down: "
        + ", ".join(f"{name} {a[2] * 1000:.0f} ms" for name, a in answers.items())
        + f"; import {import_seconds:.1f} s"
    )
