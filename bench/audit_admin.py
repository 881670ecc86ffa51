"""Benchmark the audit log in the admin with a million rows: the list (first page, each filter)
and an entry's diff page, requested through Django's test client as an auditor, with the raw SQL
of the list's page query measured in the same run. Target: every page under 1 s.

    .venv/bin/python bench/audit_admin.py [--rows 1000000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

import psycopg
from harness import fresh_database, machine_line, percentile, timed

TARGET_MS = 1000

# One statement, as the owner (the append-only trigger refuses only UPDATE and DELETE): 70% of
# rows are engagement events (inserts), the rest inserts, updates and deletes of the other
# audited tables, spread over 90 days, by staff, readers, or nobody (jobs).
SEED = """
INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by,
                       changed_at, db_role, app_role)
SELECT s.table_name, (s.n %% 50000)::text, s.operation,
       CASE WHEN s.operation <> 'INSERT' THEN s.doc END,
       CASE WHEN s.operation <> 'DELETE'
            THEN s.doc || jsonb_build_object('topic_name', 'Topic ' || s.n || ' (edited)') END,
       s.changed_by, s.changed_at, 'authenticated',
       CASE WHEN s.changed_by IS NOT NULL AND s.n %% 7 = 0 THEN 'admin' END
FROM (
    SELECT n,
           CASE WHEN n %% 10 < 7 THEN 'content_engagement'
                ELSE (%(tables)s::text[])[1 + n %% 6] END AS table_name,
           CASE WHEN n %% 10 < 7 THEN 'INSERT'
                WHEN n %% 20 = 9 THEN 'DELETE'
                WHEN n %% 4 = 1 THEN 'UPDATE'
                ELSE 'INSERT' END AS operation,
           CASE WHEN n %% 10 = 3 THEN NULL
                ELSE (%(users)s::uuid[])[1 + n %% cardinality(%(users)s::uuid[])] END AS changed_by,
           now() - interval '90 days' * (1 - n::float8 / %(rows)s) AS changed_at,
           jsonb_build_object('id', n %% 50000, 'topic_name', 'Topic ' || n,
                              'engagement_score', n %% 100, 'tags', jsonb_build_array('budget'),
                              'is_active', true) AS doc
    FROM generate_series(1, %(rows)s) AS n
) s
"""
TABLES = [
    "bento_grid_items",
    "trending_topics",
    "top_videos",
    "creators",
    "editorial_items",
    "user_interests",
]
PAGE_SQL = (
    "SELECT id, changed_at, table_name, operation, record_id, changed_by, db_role, app_role"
    " FROM audit_log ORDER BY id DESC LIMIT 51"
)


def report(label: str, ms: list[float], target: bool = True) -> bool:
    median = statistics.median(ms)
    verdict = ("ok" if median < TARGET_MS else "SLOW") if target else ""
    print(f"  {label:<46} median {median:8.1f} ms   p95 {percentile(ms, 95):8.1f} ms   {verdict}")
    return median < TARGET_MS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.utils import timezone
    from django.utils.http import urlencode

    from audit.models import AuditLog

    user_model = get_user_model()

    def staff(username: str, group: str):
        user = user_model.objects.create(username=username, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    with (
        fresh_database("bench_audit_admin") as server,
        psycopg.connect(server.conninfo(), autocommit=True) as raw,
    ):
        auditor = staff("audrey", "Auditors")
        editors = [staff(f"editor{n}", "Editors") for n in range(4)]
        readers = user_model.objects.bulk_create(
            [user_model(username=f"reader{n}") for n in range(200)]
        )
        users = [str(u.pk) for u in (auditor, *editors, *readers)]

        print(machine_line(server))
        start = time.perf_counter()
        raw.execute(SEED, {"tables": TABLES, "users": users, "rows": args.rows})
        raw.execute("VACUUM ANALYZE audit_log")
        seconds = time.perf_counter() - start
        print(f"{args.rows:,} audit_log rows seeded and analysed in {seconds:.1f} s\n")

        client = Client(SERVER_NAME="localhost")
        client.force_login(auditor)
        entry = AuditLog.objects.filter(operation="UPDATE").latest("id")
        # What the date filter's "Past 7 days" links to.
        midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        week_ago = urlencode({"changed_at__gte": str(midnight - timedelta(days=7))})
        pages = {
            "list, first page": "/admin/audit/auditlog/",
            "filter: table (trending_topics)": "/admin/audit/auditlog/?table_name=trending_topics",
            "filter: operation (UPDATE)": "/admin/audit/auditlog/?operation__exact=UPDATE",
            "filter: user (an editor)": f"/admin/audit/auditlog/?changed_by={editors[0].pk}",
            "filter: system (no user)": "/admin/audit/auditlog/?changed_by=system",
            "filter: past 7 days": f"/admin/audit/auditlog/?{week_ago}",
            "table + operation + user": (
                "/admin/audit/auditlog/?table_name=creators&operation__exact=DELETE"
                f"&changed_by={editors[1].pk}"
            ),
            "one record's history": (
                f"/admin/audit/auditlog/?table_name={entry.table_name}&record_id={entry.record_id}"
            ),
            "entry with its diff": f"/admin/audit/auditlog/{entry.pk}/change/",
            "list, page 20": "/admin/audit/auditlog/?p=20",
        }

        print(f"Admin pages as an auditor (Django test client, {args.repeat} runs each):")
        all_fast = True
        for label, url in pages.items():

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            get()  # warm
            all_fast &= report(label, timed(get, args.repeat))

        print("\nRaw SQL, as the owner, for comparison:")
        report(
            "the first page's rows (LIMIT 51)",
            timed(lambda: raw.execute(PAGE_SQL, prepare=True).fetchall(), 100),
            target=False,
        )
        report(
            "count(*) of the whole table (what is avoided)",
            timed(lambda: raw.execute("SELECT count(*) FROM audit_log").fetchone(), 5),
            target=False,
        )
        print(f"\nEvery page under {TARGET_MS} ms: {'yes' if all_fast else 'NO'}")


if __name__ == "__main__":
    main()
