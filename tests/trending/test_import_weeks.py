"""Weeks of the weekly import (`trending/weekly_import/weeks.py`, `conflicts.py`, the command).

A second, different file for a week already imported (the real pair that both say May 03, 2026)
is refused, naming both files and what differs, with nothing written; `--replace-week` replaces
it; the same file again changes nothing; the same for crawls. A folder of weeks (a backfill) is
imported in date order whatever the order of its files, all or nothing.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from grid.models import BentoGridItem
from tests.trending.test_import import (
    REAL_REPORTS,
    SAME_WEEK,
    row_counts,
    table_contents,
    week_document,
)
from trending.models import TopicWeek, TrendingTopic, VideoWeek, WeeklyReport, YoutubeCrawl
from trending.weekly_import.conflicts import WeekConflictError
from trending.weekly_import.run import weekly_import

pytestmark = pytest.mark.django_db

# What the real re-delivery of May 03, 2026 changes: three more questions and answers.
SAME_WEEK_CHANGES = "qa_section 3 entries -> 5 entries; the same 5 topics"


@pytest.fixture
def same_week(shared_data):
    """The two real files that both say May 03, 2026, in name order."""
    return [shared_data / "analyzed_content" / name for name in SAME_WEEK]


def run_command(*args: str) -> tuple[int, str, str]:
    """Run import_analyzed_content; return its exit status, stdout and stderr."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("import_analyzed_content", *args, stdout=stdout, stderr=stderr)
    except SystemExit as exit_:
        return exit_.code, stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


# --- a second file for a week ------------------------------------------------------------------


def test_real_second_file_for_an_imported_week_is_refused(same_week):
    """The second real file of May 03, 2026 is refused, naming both files and changes; no write."""
    weekly_import(analyzed=[same_week[0]])
    before = table_contents()

    with pytest.raises(WeekConflictError) as caught:
        weekly_import(analyzed=[same_week[1]])

    assert str(caught.value) == (
        "2026-05-10_6787e129.json: the weekly report of May 03, 2026 is already "
        "imported from 2026-05-03_2027c540.json, a different file; it would change: "
        + SAME_WEEK_CHANGES
    )
    assert table_contents() == before


def test_real_second_file_replaces_the_week_when_asked(same_week):
    """With replace_weeks the second real file of May 03, 2026 replaces the week; topics kept."""
    weekly_import(analyzed=[same_week[0]])

    summary = weekly_import(analyzed=[same_week[1]], replace_weeks=True)

    report = WeeklyReport.objects.get()
    assert (report.week_of, report.source_file, len(report.qa_section)) == (
        date(2026, 5, 3),
        SAME_WEEK[1],
        5,
    )
    assert (summary.counts["reports"].updated, summary.counts["topic_weeks"].unchanged) == (1, 5)
    assert [(c.file, c.held_by, c.stored) for c in summary.replaced] == [
        (SAME_WEEK[1], SAME_WEEK[0], True)
    ]
    assert [(line.week, line.file, line.outcome) for line in summary.weeks] == [
        (date(2026, 5, 3), SAME_WEEK[1], f"replaces {SAME_WEEK[0]}")
    ]
    assert TopicWeek.objects.count() == 5


def test_same_file_again_changes_nothing(same_week, tmp_path):
    """The same file again, even from another folder, is no conflict and writes nothing."""
    weekly_import(analyzed=[same_week[0]])
    before = table_contents()
    copy = tmp_path / SAME_WEEK[0]
    shutil.copy(same_week[0], copy)

    summary = weekly_import(analyzed=[same_week[0], copy])

    assert not summary.changed and summary.replaced == []
    assert [line.outcome for line in summary.weeks] == ["unchanged (this file again)"] * 2
    assert table_contents() == before


def test_real_pair_in_one_run_is_refused(same_week):
    """Both real files of May 03, 2026 in one run: refused, the second named against the first."""
    with pytest.raises(WeekConflictError) as caught:
        weekly_import(analyzed=same_week)

    assert str(caught.value) == (
        "2026-05-10_6787e129.json: the weekly report of May 03, 2026 is also "
        "claimed by 2026-05-03_2027c540.json, a different file; it would change: "
        + SAME_WEEK_CHANGES
    )
    assert row_counts()["reports"] == 0


def test_conflict_names_the_topics_added_removed_and_changed(write_file, analysis_document):
    """A conflict names the fields and the topics added, removed and changed, older file or not."""
    stored = week_document(
        analysis_document, "November 23, 2026", ["Suet", "Tallow", "Liver Pate", "Bone Broth"]
    )
    weekly_import(analyzed=[write_file(stored, "first.json")])
    second = {
        **week_document(
            analysis_document, "November 23, 2026", ["Tallow", "Suet", "Brisket", "Bone Broth"]
        ),
        "timestamp": "2026-11-22T09:14:52+00:00",  # generated earlier: refused all the same
        "weekly_summary": "Shorter.",
    }
    second["trending_topics"][3]["signal"] = "a new signal"

    with pytest.raises(WeekConflictError) as caught:
        weekly_import(analyzed=[write_file(second, "second.json")])

    assert caught.value.conflicts[0].changes == (
        "timestamp 2026-11-23T09:14:52.318204+00:00 -> 2026-11-22T09:14:52+00:00",
        "weekly_summary 54 characters -> 8 characters",
        "topics added (1): Brisket",
        "topics removed (1): Liver Pate",
        "topics changed (3): Tallow (rank 2 -> 1, score 90.00 -> 100.00), "
        "Suet (rank 1 -> 2, score 100.00 -> 90.00), Bone Broth (details)",
    )


def test_older_file_replaces_when_asked_and_unlisted_topics_keep_their_rows(
    write_file, analysis_document
):
    """With replace_weeks an older file replaces the week; a topic it drops keeps its weekly row."""
    weekly_import(
        analyzed=[
            write_file(
                week_document(analysis_document, "November 23, 2026", ["Suet", "Tallow"]),
                "first.json",
            )
        ]
    )
    older = {
        **week_document(analysis_document, "November 23, 2026", ["Liver Pate", "Suet"]),
        "timestamp": "2026-11-22T09:00:00Z",
        "weekly_summary": "older",
    }

    weekly_import(analyzed=[write_file(older, "older.json")], replace_weeks=True)

    report = WeeklyReport.objects.get()
    assert (report.weekly_summary, report.source_file) == ("older", "older.json")
    weeks = dict(TopicWeek.objects.values_list("topic__topic_slug", "rank"))
    assert weeks == {"liver-pate": 1, "suet": 2, "tallow": 2}


def test_second_crawl_for_a_day_is_refused_then_replaces_when_asked(write_file, youtube_document):
    """A different crawl of an imported day is refused, naming videos changed; replaced if asked."""
    weekly_import(youtube=[write_file(youtube_document, "crawl.json")])
    second = json.loads(json.dumps(youtube_document))
    second["total_videos_found"] = 5
    first_creator = second["top_creators"][0]
    first_creator["videos"][0]["statistics"]["view_count"] = 250000
    del first_creator["videos"][1]
    before = table_contents()

    with pytest.raises(WeekConflictError) as caught:
        weekly_import(youtube=[write_file(second, "crawl-again.json")])

    assert str(caught.value) == (
        "crawl-again.json: the YouTube crawl of November 23, 2026 is already "
        "imported from crawl.json, a different file; it would change: total_videos_found 4 -> 5; "
        'videos removed (1): Oven Brisket; videos changed (2): The "Only" Rib Roast Method '
        "(views 241380 -> 250000), Beef Heart Steaks (rank 3 -> 2)"
    )
    assert table_contents() == before

    summary = weekly_import(youtube=[write_file(second, "crawl-again.json")], replace_weeks=True)

    crawl = YoutubeCrawl.objects.get()
    assert (crawl.source_file, crawl.total_videos_found) == ("crawl-again.json", 5)
    assert VideoWeek.objects.get(video__video_id="pRk4Rst9Q2a").views == 250000
    assert [line.outcome for line in summary.weeks] == ["replaces crawl.json"]


def test_command_refuses_a_second_file_for_a_week_with_exit_3(same_week):
    """The command exits 3 naming both files (a dry run too); --replace-week replaces, says so."""
    assert run_command(str(same_week[0]))[0] == 0
    before = table_contents()

    status, stdout, stderr = run_command(str(same_week[1]))

    assert status == 3
    assert stderr.splitlines() == [
        "2026-05-10_6787e129.json: the weekly report of May 03, 2026 is already "
        "imported from 2026-05-03_2027c540.json, a different file; it would change: "
        + SAME_WEEK_CHANGES,
        "Nothing was written. To replace these weeks with the new files, run again with "
        "--replace-week.",
    ]
    assert table_contents() == before
    assert run_command(str(same_week[1]), "--dry-run")[0] == 3  # a dry run says so too

    status, stdout, stderr = run_command(str(same_week[1]), "--replace-week")

    assert (status, stderr) == (0, "")
    assert (
        "Replaced the weekly report of May 03, 2026: 2026-05-03_2027c540.json -> "
        f"2026-05-10_6787e129.json ({SAME_WEEK_CHANGES})"
    ) in " ".join(stdout.split())  # as one line, however the console wrapped it
    assert re.search(r"2026-05-03 weekly report\W+2026-05-10_6787e129.json\W+replaces", stdout)
    assert WeeklyReport.objects.get().source_file == SAME_WEEK[1]


# --- a folder of weeks ---------------------------------------------------------------------


def reversed_folder(shared_data, tmp_path):
    """A folder of the real reports (but the re-delivery) whose names sort newest week first."""
    folder = tmp_path / "backfill"
    folder.mkdir()
    names = [name for name, _ in REAL_REPORTS if name != SAME_WEEK[1]]
    for position, name in enumerate(names):
        shutil.copy(shared_data / "analyzed_content" / name, folder / f"{99 - position}-{name}")
    return folder


REAL_WEEKS = [
    "2026-03-01",
    "2026-03-06",
    "2026-03-17",
    "2026-04-06",
    "2026-04-19",
    "2026-05-03",
    "2026-05-18",
    "2026-06-17",
    "2026-07-12",
    "2026-08-02",
    "2026-08-19",
]


def test_real_folder_named_newest_first_is_imported_in_date_order(shared_data, tmp_path):
    """A folder named newest week first is shown and written oldest first (reports, grid items)."""
    folder = reversed_folder(shared_data, tmp_path)

    status, stdout, stderr = run_command(str(folder))

    assert (status, stderr) == (0, "")
    shown = re.findall(r"(\d{4}-\d{2}-\d{2}) weekly report\W+\d+-\d{4}", stdout)
    assert shown == REAL_WEEKS
    written = WeeklyReport.objects.order_by("pk").values_list("week_of", flat=True)
    assert [day.isoformat() for day in written] == REAL_WEEKS
    topics = TrendingTopic.objects.order_by("pk").values_list("first_seen_week", flat=True)
    assert list(topics) == sorted(topics)
    items = BentoGridItem.objects.order_by("pk").values_list("week_of", flat=True)
    assert len(items) == 45 and list(items) == sorted(items)


def test_real_folder_with_two_files_for_a_week_is_refused_then_replaced(shared_data):
    """The real folder (two files for May 03) exits 3, writing nothing; --replace-week takes it."""
    folder = shared_data / "analyzed_content"

    status, _, stderr = run_command(str(folder))

    assert status == 3
    assert stderr.splitlines()[0] == (
        "2026-05-10_6787e129.json: the weekly report of May 03, 2026 is also "
        "claimed by 2026-05-03_2027c540.json, a different file; it would change: "
        + SAME_WEEK_CHANGES
    )
    assert row_counts() == dict.fromkeys(row_counts(), 0)

    status, stdout, _ = run_command(str(folder), "--replace-week")

    assert status == 0
    assert "Replaced the weekly report of May 03, 2026: 2026-05-03_2027c540.json -> " in stdout
    assert WeeklyReport.objects.get(week_of=date(2026, 5, 3)).source_file == SAME_WEEK[1]
    assert WeeklyReport.objects.count() == 11


def test_bad_file_in_a_folder_writes_no_week(shared_data, tmp_path):
    """A truncated week in a folder: exit 1 naming file, line, column, reason; no week written."""
    folder = reversed_folder(shared_data, tmp_path)
    newest = folder / f"89-{REAL_REPORTS[-1][0]}"
    newest.write_bytes(newest.read_bytes()[:-30])

    status, _, stderr = run_command(str(folder))

    assert status == 1
    assert re.fullmatch(
        rf"{re.escape(str(newest))}: line \d+, column \d+: .*\(the file ends too early: is it "
        r"truncated\?\)\n?",
        stderr,
    ), stderr
    assert row_counts() == dict.fromkeys(row_counts(), 0)
