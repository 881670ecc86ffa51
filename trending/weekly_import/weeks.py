"""The weekly import's weeks: one weekly report per week (`weekly_reports`), one crawl per week
(`youtube_crawls`).

A report is keyed by its `analysis_date` (`week_of`), a crawl by its `collection_date`
(`collected_on`), and remembers its file (`source_file`, `source_sha256`). The same file again
changes nothing. A different file for a week reaches this step only when the run may replace
weeks (`conflicts`): it then replaces the stored report's or crawl's fields and the weekly rows
of what it lists. Files of one run are applied in date order: by week, then generated time
(`timestamp`, `collection_timestamp`), then as given, so among files of one week the last
applied wins. Weekly rows are never deleted: a topic missing from a replacing file keeps its row.
`ImportSummary.weeks` says, in date order, what became of each file's week.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from carnivore.bulk_upsert import RowCounts, TrackedRows
from trending.models import WeeklyReport, YoutubeCrawl
from trending.parsers.entries import AnalysisReport
from trending.parsers.entries import YoutubeCrawl as CrawlFile
from trending.weekly_import.state import (
    Delivery,
    ImportSummary,
    ImportWeek,
    WeekLine,
    set_fields,
)

_REPORT_FIELDS = (
    "generated_at",
    "weekly_summary",
    "key_insights",
    "qa_section",
    "source_file",
    "source_sha256",
)
_CRAWL_FIELDS = (
    "collected_at",
    "total_videos_found",
    "search_queries",
    "source_file",
    "source_sha256",
)


def weeks_write(week: ImportWeek, user, summary: ImportSummary) -> None:
    """Save the week rows of the reports and crawls; note their deliveries in `week`."""
    week.report_deliveries = _save_deliveries(
        WeeklyReport,
        week.reports,
        period="week_of",
        moment="generated_at",
        fields=_REPORT_FIELDS,
        values=_report_values,
        counts=summary.counts["reports"],
        lines=summary.weeks,
        label="weekly report",
    )
    week.crawl_deliveries = _save_deliveries(
        YoutubeCrawl,
        week.crawls,
        period="collected_on",
        moment="collected_at",
        fields=_CRAWL_FIELDS,
        values=_crawl_values,
        counts=summary.counts["crawls"],
        lines=summary.weeks,
        label="YouTube crawl",
    )
    summary.weeks.sort(key=lambda line: line.week)  # stable: reports before crawls of a day


def _report_values(report: AnalysisReport) -> dict[str, Any]:
    return {
        "generated_at": report.generated_at,
        "weekly_summary": report.weekly_summary,
        "key_insights": report.key_insights,
        "qa_section": report.qa_section,
        # The name only: the same file imported from another folder is the same delivery.
        "source_file": Path(report.file).name,
        "source_sha256": report.sha256,
    }


def _crawl_values(crawl: CrawlFile) -> dict[str, Any]:
    return {
        "collected_at": crawl.collected_at,
        "total_videos_found": crawl.total_videos_found,
        "search_queries": list(crawl.search_queries),
        "source_file": Path(crawl.file).name,
        "source_sha256": crawl.sha256,
    }


def _save_deliveries(
    model: type[WeeklyReport] | type[YoutubeCrawl],
    files: Sequence[AnalysisReport] | Sequence[CrawlFile],
    *,
    period: str,
    moment: str,
    fields: Sequence[str],
    values: Callable[[Any], dict[str, Any]],
    counts: RowCounts,
    lines: list[WeekLine],
    label: str,
) -> list[Delivery]:
    """Save the week rows of `files`; return the deliveries in the order applied (by week, then
    generated time, then as given) and add a line per file to `lines`, naming it `label`.

    `period` names the week's date and `moment` the delivery's time, on both the files and the
    model; `values` gives the `fields` a delivery sets.
    """
    ordered = sorted(files, key=lambda file: (getattr(file, period), getattr(file, moment)))
    periods = {getattr(file, period) for file in ordered}
    rows = {getattr(row, period): row for row in model.objects.filter(**{f"{period}__in": periods})}
    tracked = TrackedRows(model, key=[period], fields=fields, rows=rows.values())
    deliveries = []
    for file in ordered:
        row = rows.get(getattr(file, period))
        if row is None:
            row = rows[getattr(file, period)] = tracked.add(
                model(**{period: getattr(file, period)})
            )
            outcome = "new"
        elif row.source_sha256 == file.sha256:
            outcome = "unchanged (this file again)"
        else:
            outcome = f"replaces {row.source_file or 'an unnamed file'}"
        set_fields(row, **values(file))
        deliveries.append(Delivery(file, row))
        lines.append(
            WeekLine(
                week=getattr(file, period),
                kind=label,
                file=Path(file.file).name,
                outcome=outcome,
            )
        )
    tracked.save(counts)
    return deliveries
