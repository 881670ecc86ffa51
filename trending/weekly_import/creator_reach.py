"""The weekly import's creator reach: what recommends and orders creators, recomputed for every
creator at the end of each import from everything stored (so an older week imported later, a
video moving to a renamed channel or a new leaderboard all count).

- `focus_areas`: the areas of the creator's specialty (`specialty_focus_areas`), then the
  `VIDEO_FOCUS_AREAS` tags most used by their active videos (on most videos first, ties in
  alphabetical order), every one normalised as tags are (grid/tags.py), each once.
- `appearances`: how many crawls listed the creator's videos, or the leaderboard's
  `appearances` when higher (it also counts crawls this database never received).
- `total_views`: the latest view count of each of the creator's videos, summed (a video listed by
  several crawls counts once); `average_views_per_video` is that over their number of videos.

The crawls carry no subscriber counts: `subscriber_count` stays NULL (unknown) and nothing here
or in the API orders by it.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db import connection

from carnivore.bulk_upsert import RowCounts, TrackedRows
from grid.tags import tags_normalise
from trending.models import CREATOR_REACH_FIGURES, Creator
from trending.weekly_import.state import ImportSummary, ImportWeek, set_fields

# Tags of a creator's videos kept as focus areas, after those of the specialty.
VIDEO_FOCUS_AREAS = 10

_FOCUS_AREA_MAX = Creator._meta.get_field("focus_areas").base_field.max_length
# Where a specialty splits into areas: "Budget & meal prep", "Keto, fasting", "A and B".
_AREA_SEPARATORS = re.compile(r"[&,/;+|]|\band\b", re.IGNORECASE)
# Words of an area that are no area on their own.
_STOP_WORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "with"})


# Every creator is recomputed, so these read whole tables (no index to serve them, none needed).
# Per creator with videos: how many, and their latest views summed.
_VIDEO_TOTALS = """
    SELECT creator_id, count(*), sum(views)::bigint FROM top_videos GROUP BY creator_id
"""
# Per creator: the crawls that listed their videos.
_CRAWLS_LISTING = """
    SELECT v.creator_id, count(DISTINCT w.crawl_id)
    FROM top_video_weeks w JOIN top_videos v ON v.id = w.video_id
    GROUP BY v.creator_id
"""
# Per creator: the normalised tags of their active videos, on most videos first, at most %s.
_VIDEO_TAGS = """
    SELECT creator_id, tag FROM (
        SELECT v.creator_id, t.tag,
               row_number() OVER (
                   PARTITION BY v.creator_id ORDER BY count(DISTINCT v.id) DESC, t.tag
               ) AS place
        FROM top_videos v
        CROSS JOIN LATERAL unnest(v.tags) AS raw (tag)
        CROSS JOIN LATERAL public.grid_tag_normalise(raw.tag) AS t (tag)
        WHERE v.is_active AND t.tag <> '' AND length(t.tag) <= %s
        GROUP BY v.creator_id, t.tag
    ) ranked
    WHERE place <= %s
    ORDER BY creator_id, place
"""


def specialty_focus_areas(specialty: str) -> list[str]:
    """Return the focus areas a specialty names: each area it lists (split at `&`, `,`, `/`,
    `;`, `+`, `|` and "and") as one tag, then each word of an area of several words (but "the",
    "of" and such).

    "Budget & meal prep" gives `budget`, `mealprep`, `meal`, `prep`: a reader interested in
    "meal prep" (`mealprep`) or in "meal" matches it; "Science & neurology" gives `science`,
    `neurology`.
    """
    labels: list[str] = []
    for area in _AREA_SEPARATORS.split(specialty):
        labels.append(area)
        words = area.split()
        if len(words) > 1:
            labels.extend(word for word in words if word.lower() not in _STOP_WORDS)
    return [tag for tag in tags_normalise(labels) if len(tag) <= _FOCUS_AREA_MAX]


def creator_reach_write(week: ImportWeek, user, summary: ImportSummary) -> None:
    """Recompute every creator's focus areas, appearances and views; save those that changed."""
    with connection.cursor() as cursor:
        cursor.execute(_VIDEO_TOTALS)
        totals = {creator_id: (videos, views) for creator_id, videos, views in cursor.fetchall()}
        cursor.execute(_CRAWLS_LISTING)
        crawls_listing = dict(cursor.fetchall())
        cursor.execute(_VIDEO_TAGS, [_FOCUS_AREA_MAX, VIDEO_FOCUS_AREAS])
        video_tags: defaultdict[int, list[str]] = defaultdict(list)
        for creator_id, tag in cursor.fetchall():
            video_tags[creator_id].append(tag)
    rows = Creator.objects.only("id", "specialty", "full_data", *CREATOR_REACH_FIGURES)
    tracked = TrackedRows(Creator, key=["id"], fields=CREATOR_REACH_FIGURES, rows=rows)
    for row in tracked.existing:
        videos, views = totals.get(row.pk, (0, 0))
        leaderboard = row.full_data.get("ranking", {}).get("appearances", 0)
        set_fields(
            row,
            focus_areas=tags_normalise(
                [*specialty_focus_areas(row.specialty), *video_tags[row.pk]]
            ),
            appearances=max(crawls_listing.get(row.pk, 0), leaderboard),
            total_views=views,
            # Half away from zero, as PostgreSQL's round() (the migration's backfill) does.
            average_views_per_video=(2 * views + videos) // (2 * videos) if videos else 0,
        )
    changed = {row.pk for row in tracked.existing if tracked.changed_fields(row)}
    tracked.save(RowCounts())  # counted below, with what creators_write counted
    _count_changes(week, changed, summary)


def _count_changes(week: ImportWeek, changed: set[int], summary: ImportSummary) -> None:
    """Count the creators this step changed that `creators_write` did not already count as
    created or updated."""
    counts = summary.counts["creators"]
    for pk in changed:
        counted = week.creator_outcomes.get(pk)
        if counted == "unchanged":
            counts.unchanged -= 1
            counts.updated += 1
        elif counted is None:  # a creator none of the files names
            counts.updated += 1
