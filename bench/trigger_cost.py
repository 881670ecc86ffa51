"""Benchmark: what the triggers on content_engagement cost per insert, against the blueprint's.

One item already has 100,000 events in the last day. Single-row INSERT transactions, measured
with pgbench in the same run, into content_engagement:

- `ours`: with the application's triggers (the reader's key, the checks of content and dates,
  the dedupe of retried events); the figures are the rollup's job, moments later, not here;
- `plain`: the same table with every trigger disabled;
- `blueprint`: the original design's trigger instead of ours: on every row, recount the item's
  last 24 hours (and 7 days) of events and upsert the grid row.

bench/write_path.py measures the write path against its targets (8 writers, the rollup running,
freshness); this one keeps the single-writer comparison with the blueprint's recount, whose
trigger it also lends to write_path.py.

    .venv/bin/python bench/trigger_cost.py [--seconds 5] [--rounds 3] [--events 100000]
"""

from __future__ import annotations

import argparse
import statistics

import psycopg
from harness import fresh_database, machine_line, pgbench

SEED = """
INSERT INTO trending_topics (topic_slug, topic_name, engagement_score)
VALUES ('hot-topic', 'Hot topic', 80), ('quiet-topic', 'Quiet topic', 40);
-- 100,000 events spread over the last 23 hours on the hot item (one statement: the trigger
-- handles them as one batch)
INSERT INTO content_engagement (content_type, content_id, interaction_type, sentiment, created_at)
SELECT 'trending_topic', (SELECT id FROM trending_topics WHERE topic_slug = 'hot-topic'),
       (ARRAY['view', 'view', 'view', 'share', 'bookmark', 'reaction'])[1 + n % 6],
       CASE WHEN n % 6 = 5 THEN 'positive' END,
       now() - (n % 82800) * interval '1 second'
FROM generate_series(1, %(events)s) AS n;
ANALYZE;
"""

# The blueprint's trigger as SPEC section 4 describes it: a recount of the item's window on
# every inserted row, then an upsert of the grid row.
BLUEPRINT_TRIGGER = """
CREATE FUNCTION blueprint_update_engagement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    views bigint; shares bigint; bookmarks bigint; positive bigint; total bigint; week_positive bigint; week_total bigint;
BEGIN
    SELECT count(*) FILTER (WHERE interaction_type = 'view'), count(*) FILTER (WHERE interaction_type = 'share'),
           count(*) FILTER (WHERE interaction_type = 'bookmark'), count(*) FILTER (WHERE sentiment = 'positive'), count(*)
    INTO views, shares, bookmarks, positive, total
    FROM content_engagement
    WHERE content_type = NEW.content_type AND content_id = NEW.content_id
      AND created_at > now() - interval '24 hours';
    SELECT count(*) FILTER (WHERE sentiment = 'positive'), count(*) INTO week_positive, week_total
    FROM content_engagement
    WHERE content_type = NEW.content_type AND content_id = NEW.content_id
      AND created_at > now() - interval '7 days';
    INSERT INTO bento_grid_items (content_type, content_id, content_title, engagement_score, view_count,
                                  share_count, bookmark_count, positive_sentiment_percent)
    VALUES (NEW.content_type, NEW.content_id, 'x',
            least(100, views + 5 * shares + 3 * bookmarks + 20.0 * positive / greatest(total, 1)),
            views, shares, bookmarks, 100.0 * week_positive / greatest(week_total, 1))
    ON CONFLICT (content_type, content_id) DO UPDATE
    SET engagement_score = excluded.engagement_score, view_count = excluded.view_count,
        share_count = excluded.share_count, bookmark_count = excluded.bookmark_count,
        positive_sentiment_percent = excluded.positive_sentiment_percent;
    RETURN NEW;
END $$;
CREATE TRIGGER blueprint_update_engagement AFTER INSERT ON content_engagement
    FOR EACH ROW EXECUTE FUNCTION blueprint_update_engagement();
"""

INSERT_ONE = (
    "INSERT INTO content_engagement (content_type, content_id, interaction_type)"
    " VALUES ('trending_topic', :item, 'view');\n"
)
# A batch as the API sends it: 100 events in one statement, on the hot item and the quiet one.
INSERT_BATCH = (
    "INSERT INTO content_engagement (content_type, content_id, interaction_type)"
    " SELECT 'trending_topic', CASE WHEN n % 4 = 0 THEN :quiet ELSE :item END,"
    " (ARRAY['view', 'share', 'bookmark', 'click'])[1 + n % 4] FROM generate_series(1, 100) AS n;\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="per variant and round")
    parser.add_argument("--rounds", type=int, default=3, help="ours and plain alternate this often")
    parser.add_argument("--events", type=int, default=100_000, help="events already on the item")
    args = parser.parse_args()

    with (
        fresh_database("bench_trigger") as server,
        psycopg.connect(server.conninfo(), autocommit=True) as conn,
    ):
        conn.execute(SEED.replace("%(events)s", str(args.events)))
        hot = conn.execute(
            "SELECT id FROM trending_topics WHERE topic_slug = 'hot-topic'"
        ).fetchone()[0]
        quiet = conn.execute(
            "SELECT id FROM trending_topics WHERE topic_slug = 'quiet-topic'"
        ).fetchone()[0]
        items = {"item": str(hot), "quiet": str(quiet)}
        print(machine_line(server))
        print(f"{args.events:,} events on the item in the last day; pgbench, 1 client")
        print(f"{args.rounds} rounds of {args.seconds} s per variant\n")

        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")

        def run(label: str, script: str, per: int) -> float:
            result = pgbench(server, script, seconds=args.seconds, variables=items)
            print(
                f"  {label:<10} median {result.median_ms:8.3f} ms   p99 {result.percentile_ms(99):8.3f} ms"
                f"   {result.tps * per:9.0f} events/s"
            )
            return result.median_ms

        report = {}
        for shape, script, per in (("single", INSERT_ONE, 1), ("batch of 100", INSERT_BATCH, 100)):
            print(f"{shape} INSERT per transaction:")
            ours, plain = [], []
            for _ in range(args.rounds):  # alternate, so that drift in the machine hits both alike
                conn.execute("ALTER TABLE content_engagement ENABLE TRIGGER USER")
                ours.append(run("ours", script, per))
                conn.execute("ALTER TABLE content_engagement DISABLE TRIGGER USER")
                plain.append(run("plain", script, per))
            report[shape] = (statistics.median(ours), statistics.median(plain))
        conn.execute(BLUEPRINT_TRIGGER)
        print("single INSERT per transaction, the blueprint's recount:")
        blueprint = run("blueprint", INSERT_ONE, 1)

        print(f"\nmedians over {args.rounds} rounds")
        for shape, (ours_ms, plain_ms) in report.items():
            print(
                f"{shape:<13} ours {ours_ms:7.3f} ms   plain {plain_ms:7.3f} ms   ours / plain = {ours_ms / plain_ms:4.2f} x   (target <= 1.3)"
            )
        single_ours = report["single"][0]
        print(
            f"single        blueprint {blueprint:7.3f} ms   blueprint / ours = {blueprint / single_ours:5.1f} x   (target >= 20)"
        )


if __name__ == "__main__":
    main()
