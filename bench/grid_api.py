"""Benchmark the homepage (SPEC section 10): the grid API, the personalised grid, the refresh and
the view refresh with 10,000 grid rows, and calculate_trending_topics() — each next to raw SQL
measured in the same run.

    .venv/bin/python bench/grid_api.py [--seconds 20] [--rate 500]
"""

from __future__ import annotations

import argparse
import statistics

import psycopg
from harness import fresh_database, machine_line, timed
from http_load import gunicorn, wrk

SEED = """
INSERT INTO trending_topics (topic_slug, topic_name, engagement_score, last_seen_week, tags)
SELECT 'topic-' || n, 'Topic ' || n, round((random() * 100)::numeric, 2), current_date - (n % 14),
       ARRAY['tag-' || (n % 12), 'tag-' || (n % 7)]
FROM generate_series(1, 10000) AS n;
INSERT INTO bento_grid_items (content_type, content_id, content_title, base_score, week_of, data)
SELECT 'trending_topic', id, topic_name, engagement_score, last_seen_week, jsonb_build_object('tags', to_jsonb(tags))
FROM trending_topics;
ANALYZE;
"""


def line(label: str, ms: list[float], target: str = "") -> None:
    print(f"  {label:<44} median {statistics.median(ms):8.3f} ms   (n={len(ms)}) {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (`up`: 2)")
    parser.add_argument(
        "--rate", type=float, default=500, help="GET /api/grid/ requests per second"
    )
    parser.add_argument("--personal-rates", type=float, nargs="+", default=[100, 200])
    args = parser.parse_args()

    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from carnivore.db_context import SERVICE, run_as
    from grid.models import RefreshTrigger, UserInterest
    from grid.services import grid_refresh

    with (
        fresh_database("bench_grid") as server,
        psycopg.connect(server.conninfo(), autocommit=True) as raw,
    ):
        raw.execute(SEED)
        reader = get_user_model().objects.create_user("reader", password="x")  # noqa: S106
        token = Token.objects.create(user=reader).key
        UserInterest.objects.create(
            user=reader, interests=["a"], interest_tags=["tag-1", "tag-2", "tag-3"]
        )
        print(machine_line(server))
        print("10,000 grid items, 10,000 topics\n")

        print("refresh (10,000 grid rows):")
        grid_refresh(trigger=RefreshTrigger.COMMAND)  # warm
        ours = timed(lambda: grid_refresh(trigger=RefreshTrigger.COMMAND), 15)
        line("grid_refresh() (rollup, rescore, rerank, view, run row)", ours, "target <= 50 ms")

        def raw_refresh():
            with raw.transaction():
                raw.execute("SELECT engagement_rollup_drain()")
                raw.execute("SELECT engagement_rescore_all()")
                raw.execute("SELECT * FROM grid_rerank()")
                raw.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY homepage_grid")

        line("raw SQL: the same four steps, as owner", timed(raw_refresh, 15))

        def view_refresh():
            with run_as(SERVICE), psycopg_cursor() as cursor:
                cursor.execute("SELECT grid_refresh_homepage(7)")

        line("grid_refresh_homepage(7) (view only)", timed(view_refresh, 30), "target <= 50 ms")
        line(
            "raw SQL: REFRESH ... CONCURRENTLY homepage_grid",
            timed(lambda: raw.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY homepage_grid"), 30),
        )

        print("\ncalculate_trending_topics():")
        line(
            "SELECT * FROM calculate_trending_topics()",
            timed(
                lambda: raw.execute(
                    "SELECT * FROM calculate_trending_topics()", prepare=True
                ).fetchall(),
                300,
            ),
            "target <= 5 ms",
        )
        line(
            "raw SQL: the same query inline",
            timed(
                lambda: raw.execute(
                    "SELECT row_number() OVER (ORDER BY engagement_score DESC, last_seen_week DESC, id DESC), id"
                    " FROM trending_topics WHERE is_active AND last_seen_week > current_date - 7"
                    " AND last_seen_week <= current_date ORDER BY engagement_score DESC, last_seen_week DESC, id DESC"
                    " LIMIT 5",
                    prepare=True,
                ).fetchall(),
                300,
            ),
        )
        line(
            "raw SQL: SELECT * FROM homepage_grid",
            timed(
                lambda: raw.execute(
                    "SELECT * FROM homepage_grid ORDER BY slot", prepare=True
                ).fetchall(),
                300,
            ),
        )

        with gunicorn(server, workers=args.workers) as url:
            print(
                f"\nHTTP through gunicorn ({args.workers} sync workers), wrk paced to the rate, {args.seconds:.0f} s each:"
            )
            public = wrk(f"{url}/api/grid/", rate=args.rate, seconds=int(args.seconds))
            print(
                f"  GET /api/grid/               at {args.rate:.0f}/s: {public.line()}   target p99 <= 10 ms"
            )
            for rate in args.personal_rates:
                personal = wrk(
                    f"{url}/api/grid/personalized/",
                    rate=rate,
                    seconds=int(args.seconds),
                    headers={"Authorization": f"Token {token}"},
                )
                print(
                    f"  GET /api/grid/personalized/  at {rate:.0f}/s: {personal.line()}   target p99 <= 15 ms"
                )


def psycopg_cursor():
    from django.db import connection

    return connection.cursor()


if __name__ == "__main__":
    main()
