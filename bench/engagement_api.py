"""Benchmark engagement capture through the API (SPEC section 10), next to raw SQL in the same run.

- POST /api/engagement/ with one event at 200 requests/s (target p99 <= 20 ms);
- POST /api/engagement/ with batches of 500 events, as fast as 2 clients go (target >= 5,000
  events/s);
- raw SQL: the API's own statement (the SQL function engagement_record) for the same single
  event and 500-event batch, sent with pgbench (triggers and all), for the ratio.

Anonymous writes are throttled per client address (ENGAGEMENT_ANON_RATE, 120/min) as in
production: the requests come from 10,000 client addresses, sent in X-Forwarded-For to a server
that trusts one proxy, so no reader reaches the limit but every request pays for the throttle.

    .venv/bin/python bench/engagement_api.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import json

import psycopg
from harness import fresh_database, machine_line, pgbench
from http_load import CLIENTS_BEHIND_A_PROXY, gunicorn, wrk

READERS = 10_000  # client addresses the requests come from


def events(topic_ids: list[int], count: int) -> list[dict]:
    kinds = ["view", "view", "view", "click", "share", "bookmark"]
    return [
        {
            "content_type": "trending_topic",
            "content_id": topic_ids[n % len(topic_ids)],
            "interaction_type": kinds[n % len(kinds)],
        }
        for n in range(count)
    ]


def quoted(value) -> str:
    """A JSON value as an SQL string literal, for a pgbench variable (JSON here has no quote)."""
    return "'" + json.dumps(value) + "'"


# The statement engagement.services.engagement_record sends, with a pgbench variable.
RAW_INSERT = "SELECT engagement_record(:payload::jsonb, NULL);"


def settle(raw: psycopg.Connection) -> None:
    """Do now the vacuum and checkpoint that the rows just written call for, so that they do
    not run in the background of the next measurement."""
    raw.execute("VACUUM (ANALYZE)")
    raw.execute("CHECKPOINT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (`up`: 2)")
    parser.add_argument("--rate", type=float, default=200)
    args = parser.parse_args()

    with (
        fresh_database("bench_engagement") as server,
        psycopg.connect(server.conninfo(), autocommit=True) as raw,
    ):
        raw.execute(
            "INSERT INTO trending_topics (topic_slug, topic_name, engagement_score)"
            " SELECT 'topic-' || n, 'Topic ' || n, 50 FROM generate_series(1, 20) AS n"
        )
        topic_ids = [row[0] for row in raw.execute("SELECT id FROM trending_topics ORDER BY id")]
        single, batch = events(topic_ids[:1], 1)[0], {"events": events(topic_ids, 500)}
        print(machine_line(server))

        print("\nraw SQL (pgbench, the API's statement, triggers included):")
        raw_single = pgbench(
            server, RAW_INSERT, seconds=args.seconds // 2, variables={"payload": quoted([single])}
        )
        print(
            f"  single event      median {raw_single.median_ms:6.2f} ms   p99 {raw_single.percentile_ms(99):6.2f} ms"
        )
        raw_batch = pgbench(
            server,
            RAW_INSERT,
            seconds=args.seconds // 2,
            clients=2,
            variables={"payload": quoted(batch["events"])},
        )
        print(
            f"  500-event batch   median {raw_batch.median_ms:6.2f} ms   {raw_batch.tps * 500:8.0f} events/s (2 clients)"
        )

        settle(raw)
        with gunicorn(server, workers=args.workers, extra_env=CLIENTS_BEHIND_A_PROXY) as url:
            print(f"\nHTTP through gunicorn ({args.workers} sync workers), {args.seconds} s each:")
            one = wrk(
                f"{url}/api/engagement/",
                rate=args.rate,
                seconds=args.seconds,
                method="POST",
                body=single,
                clients=READERS,
            )
            print(f"  single event at {args.rate:.0f}/s: {one.line()}   target p99 <= 20 ms")
            settle(raw)
            many = wrk(
                f"{url}/api/engagement/",
                rate=1000,
                seconds=args.seconds,
                method="POST",
                body=batch,
                connections=2,
                clients=READERS,
            )
            print(f"  500-event batches, 2 clients: {many.line()}")
            print(
                f"  = {many.requests_per_second * 500:8.0f} events/s   target >= 5,000; raw SQL "
                f"{raw_batch.tps * 500:.0f} events/s ({many.requests_per_second / raw_batch.tps:.2f} x)"
            )
        stored = raw.execute("SELECT count(*) FROM content_engagement").fetchone()[0]
        # No rollup worker runs here: count the events now, as it would, then recount.
        raw.execute("SELECT engagement_rollup_drain()")
        drift = raw.execute("SELECT count(*) FROM engagement_score_drift()").fetchone()[0]
        print(f"\n{stored:,} events stored; score drift after the run: {drift}")


if __name__ == "__main__":
    main()
