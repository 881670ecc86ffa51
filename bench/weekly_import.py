"""Benchmark: the weekly import of one week's files (SPEC section 10: under 2 s).

The week of July 12, 2026 as published: its report (`analyzed_content/2026-07-12_006938b1.json`),
its 2.3 MB YouTube crawl (`youtube/2026-07-12_006938b1.json`: 556 videos of 245 creators),
`creator_bios.json` and `channel_rankings.json`. Each round times `weekly_import` (reading and
validating the files included) twice: the first import into an empty database, where every row
is inserted and audited, then the same files again, where every row is compared and nothing is
written. Between rounds the tables are emptied.

    .venv/bin/python bench/weekly_import.py [--rounds 5]

The published files are read from CARNIVORE_SHARED_DATA when set, otherwise from `shared/data`
beside the project's folder (where the team's shared files live).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import psycopg
from harness import PROJECT_DIR, fresh_database, machine_line

from trending.weekly_import.run import weekly_import
from trending.weekly_import.state import IMPORT_KINDS

TARGET_SECONDS = 2.0
WEEK = "2026-07-12_006938b1.json"

# Everything an import writes. A benchmark database only: the audit log refuses UPDATE, DELETE
# and TRUNCATE for every role, so each round starts empty by a TRUNCATE with the session
# replication role (a superuser's switch; ordinary triggers do not fire), as the test suite's
# flush does.
EMPTY_TABLES = """
TRUNCATE weekly_reports, youtube_crawls, creators, trending_topics, top_videos,
         trending_topic_weeks, top_video_weeks, bento_grid_items, audit_log
RESTART IDENTITY CASCADE
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="first import + re-import pairs")
    args = parser.parse_args()

    data = Path(os.environ.get("CARNIVORE_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))
    if not data.is_dir():
        raise SystemExit(f"no published data folder at {data}: set CARNIVORE_SHARED_DATA")
    files = {
        "analyzed": [data / "analyzed_content" / WEEK],
        "youtube": [data / "youtube" / WEEK],
        "bios": data / "creator_bios.json",
        "rankings": data / "channel_rankings.json",
    }
    crawl_mb = files["youtube"][0].stat().st_size / 1e6

    with (
        fresh_database("bench_import") as server,
        psycopg.connect(server.conninfo(), autocommit=True) as owner,
    ):
        print(machine_line(server))
        print(
            f"week of 2026-07-12: report, crawl ({crawl_mb:.1f} MB), bios, rankings; "
            f"{args.rounds} rounds\n"
        )
        first, again = [], []
        for round_number in range(1, args.rounds + 1):
            with owner.transaction():
                owner.execute("SET LOCAL session_replication_role = replica")
                owner.execute(EMPTY_TABLES)
            started = time.perf_counter()
            summary = weekly_import(**files)
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            repeat = weekly_import(**files)
            again.append(time.perf_counter() - started)
            assert not repeat.changed, "the re-import changed rows"
            print(
                f"  round {round_number}: first import {first[-1]:6.3f} s   re-import {again[-1]:6.3f} s"
            )

        print(
            "\nrows of the first import: "
            + ", ".join(
                f"{summary.counts[kind].created} {label}" for kind, label in IMPORT_KINDS.items()
            )
        )
        print(f"\nmedians over {args.rounds} rounds (target < {TARGET_SECONDS:.0f} s)")
        for label, seconds in (("first import", first), ("re-import", again)):
            median = statistics.median(seconds)
            verdict = "ok" if median < TARGET_SECONDS else "OVER TARGET"
            print(
                f"  {label:<13} median {median:6.3f} s   min {min(seconds):6.3f} s   "
                f"max {max(seconds):6.3f} s   {median / TARGET_SECONDS:4.2f} x target   {verdict}"
            )


if __name__ == "__main__":
    main()
