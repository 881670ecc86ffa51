"""The weekly import's weeks: one weekly report per week (`weekly_reports`), one crawl per week
(`youtube_crawls`).

A report is keyed by its `analysis_date` (`week_of`), a crawl by its `collection_date`
(`collected_on`). A week delivered again replaces the stored report's or crawl's fields and the
weekly rows of what it lists, unless the stored delivery was generated later (`timestamp`,
`collection_timestamp`): an older delivery is stale and only adds the weekly rows the week
lacks. On equal timestamps the later import wins (in one run, the later file on the command
line). Weekly rows are never deleted: a topic missing from a re-delivery keeps its row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from carnivore.bulk_upsert import RowCounts, TrackedRows
from trending.models import WeeklyReport, YoutubeCrawl
from trending.parsers.entries import AnalysisReport
from trending.parsers.entries import YoutubeCrawl as CrawlFile
from trending.weekly_import.state import Delivery, ImportSummary, ImportWeek, set_fields

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
    )
    week.crawl_deliveries = _save_deliveries(
        YoutubeCrawl,
        week.crawls,
        period="collected_on",
        moment="collected_at",
        fields=_CRAWL_FIELDS,
        values=_crawl_values,
        counts=summary.counts["crawls"],
    )


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
) -> list[Delivery]:
    """Save the week rows of `files`; return the deliveries, oldest week and delivery first.

    `period` names the week's date and `moment` the delivery's time, on both the files and the
    model; `values` gives the `fields` a delivery sets. A delivery is current when no later one
    of its week is stored or comes before it.
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
            current = True
        else:
            current = getattr(file, moment) >= getattr(row, moment)
        if current:
            set_fields(row, **values(file))
        deliveries.append(Delivery(file, row, current))
    tracked.save(counts)
    return deliveries
