"""Benchmark: the write path of the rollup design (SPEC section 10), every ratio side by side in
one run.

Every insert runs as the API roles would: a transaction that switches to `anon` (7 in 10) or
`authenticated` (3 in 10, with the user's id in the claims) and sets `request.headers` as
Supabase's REST API does, then INSERTs one event (or a batch of 100). Two tables take the same
statements:

- `ours`: content_engagement, with its triggers (engagement/triggers.py: per statement, the
  reader's fingerprint and the checks of content and dates; per row only for retried events);
- `plain`: content_engagement_plain, an identical copy without it: same columns and defaults,
  CHECKs, indexes, monthly partitions, foreign key, row-level security policies and grants,
  the same id sequence. A copy rather than disabling the trigger between rounds, so that the
  rollup worker, which runs throughout as in production, never sees the plain rounds' events,
  and the two tables are measured alternately in the same database, round after round.

(a) 8 clients, single-event transactions, all on one hot item, then spread over 1,000 items:
    ours / plain events/s (target >= 0.7), the worker draining every second meanwhile;
(b) 1 client, single events and 100-event batches: per-event cost ours / plain (target <= 1.3);
(c) freshness under (a)'s spread load on `ours`: a probe commits an event every 100 ms on an
    item of its own and polls that item's view_count; the delay from each commit to the
    figures counting it (target p99 <= 5 s);
(d) 100,000 events in the last day on the hot item: the blueprint's trigger (a recount of the
    item's day and week on every insert, as bench/trigger_cost.py measures it), on the plain
    copy, against ours: an insert plus a drain that counts it, and 100 inserts plus one drain
    (the worker's way), per event (target >= 20x).

After (c) the worker stops, a last drain runs and engagement_score_drift() must be empty.

    .venv/bin/python bench/write_path.py [--seconds 5] [--rounds 5] [--freshness-seconds 20]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time

import psycopg
from harness import PROJECT_DIR, fresh_database, machine_line, percentile, pgbench
from trigger_cost import BLUEPRINT_TRIGGER

ITEMS = 1_000
USERS = 100
CLIENTS = 8
HISTORY = 100_000  # events already on the hot item, spread over the last 23 hours
PROBE_INTERVAL = 0.1
THROUGHPUT = ("8 clients, hot item", "8 clients, 1,000 items")
SEED_TOPICS = """
INSERT INTO trending_topics (topic_slug, topic_name, engagement_score)
SELECT 'topic-' || n, 'Topic ' || n, n %% 100 FROM generate_series(1, %s) AS n
"""
# Users with ids the pgbench scripts can compute from a number (bench user n).
SEED_USERS = """
INSERT INTO carnivore_user (id, password, is_superuser, username, first_name, last_name, email,
                            is_staff, is_active, date_joined)
SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, '!', false,
       'bench-reader-' || n, '', '', '', false, true, now()
FROM generate_series(1, %s) AS n
"""

# The copy without the trigger: everything else content_engagement has.
PLAIN_COPY = """
DO $$
DECLARE
    part record;
    pol record;
    fk record;
BEGIN
    CREATE TABLE content_engagement_plain (LIKE content_engagement INCLUDING ALL)
        PARTITION BY RANGE (created_at);
    FOR part IN
        SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'content_engagement'::regclass
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF content_engagement_plain %s',
                       part.relname || '_plain', part.bound);
    END LOOP;
    FOR fk IN
        SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'content_engagement'::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE content_engagement_plain ADD CONSTRAINT %I %s',
                       fk.conname || '_plain', fk.def);
    END LOOP;
    ALTER TABLE content_engagement_plain ENABLE ROW LEVEL SECURITY;
    ALTER TABLE content_engagement_plain FORCE ROW LEVEL SECURITY;
    FOR pol IN SELECT * FROM pg_policies WHERE tablename = 'content_engagement' LOOP
        EXECUTE format('CREATE POLICY %I ON content_engagement_plain AS %s FOR %s TO %s %s %s',
                       pol.policyname, pol.permissive, pol.cmd, array_to_string(pol.roles, ', '),
                       CASE WHEN pol.qual IS NOT NULL THEN 'USING (' || pol.qual || ')' END,
                       CASE WHEN pol.with_check IS NOT NULL
                            THEN 'WITH CHECK (' || pol.with_check || ')' END);
    END LOOP;
    GRANT INSERT ON content_engagement_plain TO anon;
    GRANT SELECT, INSERT ON content_engagement_plain TO authenticated, service_role;
END
$$;
"""


def history(table: str) -> psycopg.sql.Composed:
    """100,000 events on the hot item (parameter) over the last 23 hours, in one statement."""
    return psycopg.sql.SQL(
        "INSERT INTO {} (content_type, content_id, interaction_type, sentiment, created_at)"
        " SELECT 'trending_topic', %s,"
        " (ARRAY['view', 'view', 'view', 'share', 'bookmark', 'reaction'])[1 + n %% 6],"
        " CASE WHEN n %% 6 = 5 THEN 'positive' END, now() - (n %% 82800) * interval '1 second'"
        " FROM generate_series(1, %s) AS n"
    ).format(psycopg.sql.Identifier(table))


# A pgbench transaction as an API request makes it: the role, claims and headers, then one
# INSERT of :rows events on an item between :first and :last into :table (pgbench puts the
# variables' text in place: its default, simple protocol). 3 in 10 by a signed-in reader (bench
# user :u), the others anonymous, each from an address of its own. The plain copy has no
# statement trigger to work out the reader key its column's default reads, so the script sets
# one (ours overwrites it).
REQUEST = r"""
\set u random(1, :users)
\set a random(1, 250)
\set b random(1, 250)
\set k random(0, 5)
\set item random(:first, :last)
\set signed random(1, 10)
BEGIN;
\if :signed <= 3
SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{"role": "authenticated", "sub": "00000000-0000-4000-8000-' || lpad(:u::text, 12, '0') || '"}', true), set_config('request.headers', '{"x-forwarded-for": "10.1.' || :a || '.' || :b || '", "user-agent": "bench"}', true), set_config('carnivore.reader_key', md5(:a || '.' || :b)::uuid::text, true);
INSERT INTO :table (content_type, content_id, user_id, interaction_type) SELECT 'trending_topic', :item, ('00000000-0000-4000-8000-' || lpad(:u::text, 12, '0'))::uuid, (ARRAY['view', 'view', 'view', 'click', 'share', 'bookmark'])[1 + (:k + n) % 6] FROM generate_series(1, :rows) AS n;
\else
SELECT set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role": "anon"}', true), set_config('request.headers', '{"x-forwarded-for": "10.1.' || :a || '.' || :b || '", "user-agent": "bench"}', true), set_config('carnivore.reader_key', md5(:a || '.' || :b)::uuid::text, true);
INSERT INTO :table (content_type, content_id, user_id, interaction_type) SELECT 'trending_topic', :item, NULL, (ARRAY['view', 'view', 'view', 'click', 'share', 'bookmark'])[1 + (:k + n) % 6] FROM generate_series(1, :rows) AS n;
\endif
COMMIT;
"""

INSERT_AND_DRAIN = "\n".join(
    [
        "INSERT INTO content_engagement (content_type, content_id, interaction_type)"
        " VALUES ('trending_topic', :hot, 'view');",
        "BEGIN;",
        "SET LOCAL ROLE service_role;",
        "SELECT engagement_rollup_drain();",
        "COMMIT;",
        "",
    ]
)
# The same, the worker's way: the events of a moment (100 single-event transactions), then one
# drain for all of them.
HUNDRED_INSERTS_AND_DRAIN = (
    "INSERT INTO content_engagement (content_type, content_id, interaction_type)"
    " VALUES ('trending_topic', :hot, 'view');\n"
    * 100
    + "BEGIN;\nSET LOCAL ROLE service_role;\nSELECT engagement_rollup_drain();\nCOMMIT;\n"
)
BLUEPRINT_INSERT = (
    "INSERT INTO content_engagement_plain (content_type, content_id, interaction_type)"
    " VALUES ('trending_topic', :hot, 'view');\n"
)


def as_service(conn: psycopg.Connection, query: str):
    """Run `query` as the service role in a transaction of its own; return its one value."""
    with conn.transaction():
        conn.execute("SET LOCAL ROLE service_role")
        return conn.execute(query).fetchone()[0]


def rollup_worker(server) -> subprocess.Popen:
    """`manage.py engagement_rollup_worker` on the benchmark database, as `up` starts it."""
    env = {**os.environ, "DATABASE_URL": server.url()}
    return subprocess.Popen(
        [sys.executable, str(PROJECT_DIR / "manage.py"), "engagement_rollup_worker"],
        env=env,
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    _, errors = worker.communicate(timeout=30)
    if worker.returncode != 0 or "Traceback" in (errors or ""):
        raise RuntimeError(f"the rollup worker failed:\n{errors}")


class FreshnessProbe:
    """Commits a view on the probe item every 100 ms; a poller measures, for each, the delay
    until the item's view_count counts it."""

    def __init__(self, server, item: int):
        self.server, self.item = server, item
        self.committed: list[float] = []
        self.delays: list[float] = []
        self.stopping = threading.Event()

    def view_count(self, conn) -> int:
        with conn.transaction():
            row = conn.execute(
                "SELECT view_count FROM bento_grid_items"
                " WHERE content_type = 'trending_topic' AND content_id = %s",
                [self.item],
            ).fetchone()
        return row[0] if row else 0

    def send(self) -> None:
        with psycopg.connect(self.server.conninfo()) as conn:
            while not self.stopping.is_set():
                with conn.transaction():
                    conn.execute(
                        "SELECT set_config('role', 'anon', true),"
                        " set_config('request.jwt.claims', '{\"role\": \"anon\"}', true),"
                        " set_config('request.headers', '{\"x-real-ip\": \"192.0.2.1\"}', true)"
                    )
                    conn.execute(
                        "INSERT INTO content_engagement (content_type, content_id, interaction_type)"
                        " VALUES ('trending_topic', %s, 'view')",
                        [self.item],
                    )
                self.committed.append(time.monotonic())
                self.stopping.wait(PROBE_INTERVAL)

    def poll(self, start_count: int) -> None:
        with psycopg.connect(self.server.conninfo()) as conn:
            seen = 0
            while not self.stopping.is_set() or seen < len(self.committed):
                counted = self.view_count(conn) - start_count
                now = time.monotonic()
                while seen < min(counted, len(self.committed)):
                    self.delays.append(now - self.committed[seen])
                    seen += 1
                time.sleep(0.01)

    def run_during(self, load) -> None:
        with psycopg.connect(self.server.conninfo()) as conn:
            start_count = self.view_count(conn)
        threads = [
            threading.Thread(target=self.send),
            threading.Thread(target=self.poll, args=(start_count,)),
        ]
        for thread in threads:
            thread.start()
        try:
            load()
        finally:
            self.stopping.set()
            for thread in threads:
                thread.join(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="per variant and round")
    parser.add_argument("--rounds", type=int, default=5, help="ours and plain alternate this often")
    parser.add_argument("--freshness-seconds", type=int, default=20)
    args = parser.parse_args()

    with (
        fresh_database("bench_write") as server,
        psycopg.connect(server.conninfo(), autocommit=True) as conn,
    ):
        conn.execute(SEED_TOPICS, [ITEMS + 2])  # the spread items, the hot one, the probe's
        conn.execute(SEED_USERS, [USERS])
        conn.execute(PLAIN_COPY)
        first, last = conn.execute(
            "SELECT min(id), max(id) FROM (SELECT id FROM trending_topics ORDER BY id LIMIT %s) t",
            [ITEMS],
        ).fetchone()
        hot, probe = conn.execute(
            "SELECT id FROM trending_topics ORDER BY id OFFSET %s LIMIT 2", [ITEMS]
        ).fetchall()
        hot, probe = hot[0], probe[0]
        started = time.perf_counter()
        # The plain copy's reader_key default reads what the statement trigger would have set.
        conn.execute("SELECT set_config('carnivore.reader_key', gen_random_uuid()::text, false)")
        for table in ("content_engagement", "content_engagement_plain"):
            conn.execute(history(table), [hot, HISTORY])
        conn.execute(
            "INSERT INTO content_engagement (content_type, content_id, interaction_type)"
            " VALUES ('trending_topic', %s, 'view')",
            [probe],
        )
        seeded = time.perf_counter()
        as_service(conn, "SELECT engagement_rollup_drain()")
        drain_seconds = time.perf_counter() - seeded
        counted = conn.execute("SELECT sum(events) FROM engagement_rollups").fetchone()[0]
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
        print(machine_line(server))
        print(
            f"{ITEMS:,} items, {USERS} users, {HISTORY:,} events on the hot item (seeded in"
            f" {seeded - started:.1f} s; the first drain counted {counted:,} in {drain_seconds:.2f} s)"
        )
        print(
            f"{args.rounds} rounds of {args.seconds} s per variant, alternating; rollup worker running\n"
        )

        single = {"users": str(USERS), "rows": "1"}
        spread = {**single, "first": str(first), "last": str(last)}
        hot_only = {**single, "first": str(hot), "last": str(hot)}
        batches = {**spread, "rows": "100"}
        worker = rollup_worker(server)
        report: dict[str, tuple[float, float]] = {}

        def measure(label, variables, clients, per_transaction):
            ours, plain = [], []
            for _ in range(args.rounds):
                for table, results in (
                    ("content_engagement", ours),
                    ("content_engagement_plain", plain),
                ):
                    result = pgbench(
                        server,
                        REQUEST,
                        seconds=args.seconds,
                        clients=clients,
                        variables={**variables, "table": table},
                    )
                    results.append(result.tps * per_transaction)
                print(
                    f"  {label:<34} ours {ours[-1]:9.0f} events/s   plain {plain[-1]:9.0f} events/s"
                    f"   ours / plain = {ours[-1] / plain[-1]:4.2f}"
                )
            report[label] = (statistics.median(ours), statistics.median(plain))

        try:
            print(f"(a) {CLIENTS} clients, one event per transaction:")
            measure(THROUGHPUT[0], hot_only, CLIENTS, 1)
            measure(THROUGHPUT[1], spread, CLIENTS, 1)
            print("(b) 1 client:")
            measure("1 client, single events", spread, 1, 1)
            measure("1 client, batches of 100", batches, 1, 100)

            print(
                f"(c) freshness: {CLIENTS} clients on ours, spread, {args.freshness_seconds} s, probe every 100 ms"
            )
            probe_run = FreshnessProbe(server, probe)
            load = {}
            probe_run.run_during(
                lambda: load.setdefault(
                    "result",
                    pgbench(
                        server,
                        REQUEST,
                        seconds=args.freshness_seconds,
                        clients=CLIENTS,
                        variables={**spread, "table": "content_engagement"},
                    ),
                )
            )
            delays = probe_run.delays
            print(
                f"  load {load['result'].tps:,.0f} events/s; {len(delays)} probes: delay median"
                f" {statistics.median(delays) * 1000:.0f} ms, p99 {percentile(delays, 99) * 1000:.0f} ms,"
                f" max {max(delays) * 1000:.0f} ms"
            )
        finally:
            stop(worker)

        as_service(conn, "SELECT engagement_rollup_drain()")
        drift_rows = as_service(conn, "SELECT count(*) FROM engagement_score_drift()")
        events = conn.execute("SELECT count(*) FROM content_engagement").fetchone()[0]
        print(f"  after (a)-(c): {events:,} events, score drift rows {drift_rows}")

        print(f"(d) {HISTORY:,} events in the last day on the hot item, 1 client:")
        conn.execute("VACUUM ANALYZE")
        hot_item = {"hot": str(hot)}
        upkeep_one = pgbench(server, INSERT_AND_DRAIN, seconds=args.seconds, variables=hot_item)
        upkeep_hundred = pgbench(
            server, HUNDRED_INSERTS_AND_DRAIN, seconds=args.seconds, variables=hot_item
        )
        conn.execute(BLUEPRINT_TRIGGER.replace("content_engagement", "content_engagement_plain"))
        blueprint = pgbench(server, BLUEPRINT_INSERT, seconds=args.seconds, variables=hot_item)
        per_event = {
            "ours, a drain per event": upkeep_one.median_ms,
            "ours, a drain per 100 events": upkeep_hundred.median_ms / 100,
            "blueprint, a recount per event": blueprint.median_ms,
        }
        for label, ms in per_event.items():
            print(f"  {label:<32} {ms:9.3f} ms per event (insert and upkeep, median)")

        print(f"\nmedians over {args.rounds} rounds")
        for label, (ours, plain) in report.items():
            if label in THROUGHPUT:
                ratio = f"events/s ours / plain = {ours / plain:4.2f}   (target >= 0.7)"
            else:
                ratio = f"per-event cost ours / plain = {plain / ours:4.2f}   (target <= 1.3)"
            print(f"{label:<24} ours {ours:9.0f} events/s   plain {plain:9.0f} events/s   {ratio}")
        print(f"freshness p99 {percentile(delays, 99):.2f} s (target <= 5 s)")
        for label in ("ours, a drain per event", "ours, a drain per 100 events"):
            print(
                f"upkeep with {HISTORY:,} events on the item, blueprint / {label}:"
                f" {per_event['blueprint, a recount per event'] / per_event[label]:,.1f}x"
                " (target >= 20)"
            )
        print(f"score drift rows after (a)-(c): {drift_rows}")


if __name__ == "__main__":
    main()
