"""`manage.py import_analyzed_content`: import weekly analysis files, one week or a folder of
them (the work is `trending.weekly_import.run.weekly_import`).

Exit codes: 0 imported (or, with --dry-run, checked), 1 a file cannot be imported (nothing was
written; stderr says `file: location: reason`), 2 usage (an unknown option, a missing file,
nothing to import), 3 a week already delivered by a different file (nothing was written; stderr
names both files and what would change; --replace-week replaces it).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trending.parsers.validation import ImportFileError
from trending.weekly_import.conflicts import WeekConflictError
from trending.weekly_import.run import configured_import, import_files, weekly_import
from trending.weekly_import.state import IMPORT_KINDS, ImportSummary

INVALID_INPUT = 1
USAGE_ERROR = 2
WEEK_CONFLICT = 3


class Command(BaseCommand):
    help = (
        "Import weekly analysis reports (analyzed_content.json) and YouTube crawls "
        "(youtube_data.json), enriched by creator profiles and the channel leaderboard. "
        "A folder stands for every *.json file in it; weeks are imported in date order, all "
        "or nothing. With no report or crawl named, ANALYZED_CONTENT_PATH and "
        "YOUTUBE_DATA_PATH are imported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "analyzed", nargs="*", metavar="ANALYZED_JSON", help="weekly reports (files or folders)"
        )
        parser.add_argument(
            "--youtube",
            action="append",
            default=[],
            metavar="YOUTUBE_JSON",
            help="a YouTube crawl (file or folder); may be repeated",
        )
        parser.add_argument("--bios", metavar="FILE", help="creator_bios.json")
        parser.add_argument("--rankings", metavar="FILE", help="channel_rankings.json")
        parser.add_argument(
            "--replace-week",
            action="store_true",
            dest="replace_weeks",
            help=(
                "let a file replace a week already imported from a different file (without it, "
                "the import refuses, naming both files and what would change)"
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check everything and show what would change, writing nothing",
        )

    def handle(self, *args, analyzed, youtube, bios, rankings, replace_weeks, dry_run, **options):
        if not analyzed and not youtube:  # the weekly job's files
            configured = configured_import()
            analyzed, youtube = configured.analyzed, configured.youtube
            bios, rankings = bios or configured.bios, rankings or configured.rankings
        try:
            analyzed_files = import_files(analyzed)
            youtube_files = import_files(youtube)
            bios_file = _single_file(bios)
            rankings_file = _single_file(rankings)
        except FileNotFoundError as missing:
            raise CommandError(str(missing), returncode=USAGE_ERROR) from None
        if not (analyzed_files or youtube_files or bios_file or rankings_file):
            raise CommandError(
                "nothing to import: name the files, or set ANALYZED_CONTENT_PATH and "
                "YOUTUBE_DATA_PATH",
                returncode=USAGE_ERROR,
            )
        console = Console(file=self.stdout, width=100)
        try:
            with Progress(
                TextColumn("{task.description:<40}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
                disable=not console.is_terminal,
            ) as progress:
                task = progress.add_task("importing", total=None)
                summary = weekly_import(
                    analyzed=analyzed_files,
                    youtube=youtube_files,
                    bios=bios_file,
                    rankings=rankings_file,
                    replace_weeks=replace_weeks,
                    dry_run=dry_run,
                    progress=lambda step, done, total: progress.update(
                        task, description=step, completed=done, total=total
                    ),
                )
        except ImportFileError as error:
            self.stderr.write(str(error))
            raise SystemExit(INVALID_INPUT) from None
        except WeekConflictError as error:
            self.stderr.write(str(error))
            self.stderr.write(
                "Nothing was written. To replace these weeks with the new files, run again "
                "with --replace-week."
            )
            raise SystemExit(WEEK_CONFLICT) from None
        self.show(console, summary)

    def show(self, console: Console, summary: ImportSummary) -> None:
        if summary.weeks:
            weeks = Table(title="Weeks, in date order", title_justify="left")
            for column in ("week", "file", "outcome"):
                weeks.add_column(column)
            for line in summary.weeks:
                weeks.add_row(f"{line.week} {line.kind}", line.file, line.outcome)
            console.print(weeks)
        title = "Dry run: what the import would change" if summary.dry_run else "Imported"
        table = Table(title=title, title_justify="left")
        table.add_column("rows")
        for column in ("created", "updated", "unchanged"):
            table.add_column(column, justify="right")
        for kind, label in IMPORT_KINDS.items():
            counts = summary.counts[kind]
            table.add_row(label, str(counts.created), str(counts.updated), str(counts.unchanged))
        console.print(table)
        lines = [
            f"Replaced the {c.kind} of {c.week:%B %d, %Y}: {c.held_by} -> {c.file} "
            f"({'; '.join(c.changes)})"
            for c in summary.replaced
        ]
        if summary.new_topics:
            names = ", ".join(f"{t.topic_name} ({t.engagement_score})" for t in summary.new_topics)
            lines.append(f"New topics ({len(summary.new_topics)}): {names}")
        if summary.topic_score_jumps:
            names = ", ".join(
                f"{t.topic_name} (now {t.engagement_score})" for t in summary.topic_score_jumps
            )
            lines.append(f"Scores up more than 20% ({len(summary.topic_score_jumps)}): {names}")
        if summary.skipped:
            lines.append(f"Skipped ({len(summary.skipped)}):")
            lines += [f"  - {note}" for note in summary.skipped]
        if not summary.changed:
            lines.append("Nothing to change: the database already holds these files.")
        if summary.dry_run:
            lines.append("Dry run: nothing was written.")
        for line in lines:
            console.print(line, markup=False, highlight=False)


def _single_file(path: str | None) -> Path | None:
    if path is None:
        return None
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such file")
    return Path(path)
