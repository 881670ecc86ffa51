"""The weekly import job (`trending.tasks.import_weekly`): when it is scheduled, and what it says
when the pipeline has not written a new week since the last import."""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import UTC

import pytest
from django_q.models import Schedule

from carnivore.jobs import schedules_register
from tests.conftest import manage
from trending.models import WeeklyReport, YoutubeCrawl
from trending.tasks import import_weekly
from trending.weekly_import.run import SAMPLE_WEEK


@pytest.fixture
def weekly_files(tmp_path, settings):
    """The sample week's report and crawl, copied where the settings say the pipeline writes."""
    report = shutil.copy(SAMPLE_WEEK / "analyzed_content.json", tmp_path / "analyzed.json")
    crawl = shutil.copy(SAMPLE_WEEK / "youtube_data.json", tmp_path / "youtube.json")
    settings.ANALYZED_CONTENT_PATH, settings.YOUTUBE_DATA_PATH = str(report), str(crawl)
    settings.CREATOR_BIOS_PATH = settings.CHANNEL_RANKINGS_PATH = ""
    return report, crawl


@pytest.mark.django_db
def test_weekly_import_is_scheduled_at_the_configured_time(settings):
    """The import_weekly schedule takes its cron from WEEKLY_IMPORT_CRON, and follows a change
    the next time schedules are registered."""
    schedules_register()
    schedule = Schedule.objects.get(name="import_weekly")
    assert (schedule.schedule_type, schedule.cron) == (Schedule.CRON, settings.WEEKLY_IMPORT_CRON)

    settings.WEEKLY_IMPORT_CRON = "30 13 * * 1"
    assert schedules_register() == ["import_weekly"]
    assert Schedule.objects.get(name="import_weekly").cron == "30 13 * * 1"


@pytest.mark.slow
def test_weekly_import_cron_defaults_to_monday_noon_and_a_bad_one_is_refused():
    """Unset, WEEKLY_IMPORT_CRON is Mondays 12:00 UTC (after the pipeline's ~10:00); a value
    that is no cron expression stops every command with a message naming the variable."""
    env = {name: value for name, value in os.environ.items() if name != "WEEKLY_IMPORT_CRON"}
    shown = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.WEEKLY_IMPORT_CRON)",
        env=env,
    )
    assert shown.stdout.strip() == "0 12 * * 1"

    refused = manage("check", env={**env, "WEEKLY_IMPORT_CRON": "Mondays at noon"}, check=False)
    assert refused.returncode != 0
    assert "WEEKLY_IMPORT_CRON='Mondays at noon' is not a cron expression" in refused.stderr


@pytest.mark.django_db
def test_weekly_import_says_which_files_are_unchanged_since_their_import(weekly_files, caplog):
    """A report or crawl identical to the one imported before is named, with when it was
    imported, in the job's result and in a warning; a rewritten file is not."""
    report, crawl = weekly_files
    first = import_weekly()
    assert first["unchanged"] == []
    assert first["counts"]["reports"]["created"] == 1

    with caplog.at_level(logging.WARNING, logger="trending.tasks"):
        second = import_weekly()
    report_imported = WeeklyReport.objects.get().modified_at.astimezone(UTC)
    crawl_imported = YoutubeCrawl.objects.get().modified_at.astimezone(UTC)
    expected = [
        f"unchanged since the import of {report_imported:%Y-%m-%d %H:%M} UTC: {report}",
        f"unchanged since the import of {crawl_imported:%Y-%m-%d %H:%M} UTC: {crawl}",
    ]
    assert second["unchanged"] == expected
    assert [record.getMessage() for record in caplog.records] == [
        f"weekly import: {line}" for line in expected
    ]
    assert all(counts["created"] == counts["updated"] == 0 for counts in second["counts"].values())

    # The pipeline writes the report again (same week, other bytes): only the crawl is unchanged.
    report.write_text(json.dumps(json.loads(report.read_text()), indent=1))
    third = import_weekly()
    assert third["unchanged"] == [expected[1]]
