"""The weekly import's creators: from the crawls, enriched by `creator_bios.json` and
`channel_rankings.json`.

- Creators come from the crawls, keyed by channel id (by name when a crawl gives none). The most
  recent crawl's name for a channel wins (channels get renamed); a crawl giving a channel a name
  that another channel holds is an error. `full_data.crawl` records the latest crawl seen,
  `full_data.names` every name the crawls gave the channel.
- `creator_bios.json` enriches the creator with the profile's channel id, else its name, else
  a name a crawl once gave the channel (profiles lag behind renames): bio, tagline, specialty,
  and the whole profile in `full_data.bio` (its channel id included: where it differs from the
  crawl's, the crawl's stays). A profile matching no creator is skipped and reported: creators
  enter only through a crawl, which knows their channel. Two profiles matching one creator are
  an error.
- `channel_rankings.json` is the whole leaderboard: matched creators get `leaderboard_rank` (and
  `full_data.ranking`), creators no longer on it lose theirs; unmatched entries are reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from carnivore.bulk_upsert import TrackedRows
from trending.models import Creator
from trending.parsers.entries import CreatorEntry
from trending.parsers.entries import YoutubeCrawl as CrawlFile
from trending.parsers.validation import ImportFileError
from trending.weekly_import.state import Delivery, ImportSummary, ImportWeek, set_fields

_CREATOR_FIELDS = (
    "creator_name",
    "channel_id",
    "bio",
    "tagline",
    "specialty",
    "leaderboard_rank",
    "full_data",
)


class CreatorIndex:
    """Creators by channel id, by name and former name, kept current as the import goes."""

    def __init__(self, rows: Iterable[Creator]) -> None:
        self.by_channel: dict[str, Creator] = {}
        self.by_name: dict[str, Creator] = {}
        self.by_crawl_name: dict[str, Creator] = {}
        for row in rows:
            self.index(row)
        # (position of the crawl among the deliveries, creator name in it): the creator's row
        self.of_crawl_creator: dict[tuple[int, str], Creator] = {}

    def index(self, row: Creator) -> None:
        """Index `row` by its channel id, its name and the names the crawls gave it."""
        if row.channel_id:
            self.by_channel[row.channel_id] = row
        self.by_name[row.creator_name] = row
        for name in row.full_data.get("names", []):
            self.by_crawl_name.setdefault(name, row)

    def rename(self, row: Creator, name: str) -> None:
        """Rename `row` to `name`, keeping the index by name current."""
        del self.by_name[row.creator_name]
        row.creator_name = name
        self.by_name[name] = row

    def matching(self, channel_id: str | None, name: str) -> Creator | None:
        """Return the creator a profile or leaderboard entry describes: by channel id, else by
        name, else by a name a crawl once gave the channel."""
        return (
            (channel_id and self.by_channel.get(channel_id))
            or self.by_name.get(name)
            or self.by_crawl_name.get(name)
        )

    def by_id(self) -> dict[int, Creator]:
        """Return the creators by primary key."""
        return {row.pk: row for row in self.by_name.values()}


def creators_write(week: ImportWeek, user, summary: ImportSummary) -> None:
    """Save the creators the crawls list, enriched by the profiles and leaderboard."""
    described = [c for d in week.crawl_deliveries for c in d.file.creators]
    described += week.bios.values()
    described += week.rankings or []
    channel_ids = {entry.channel_id for entry in described if entry.channel_id}
    names = {entry.name for entry in described}
    names |= {video.creator_name for d in week.report_deliveries for video in d.file.videos}
    wanted = Q(channel_id__in=channel_ids) | Q(creator_name__in=names)
    if week.rankings is not None:
        wanted |= Q(leaderboard_rank__isnull=False)  # whoever the new leaderboard drops
    tracked = TrackedRows(
        Creator, key=["creator_name"], fields=_CREATOR_FIELDS, rows=Creator.objects.filter(wanted)
    )
    creators = week.creators = CreatorIndex(tracked.existing)
    for position, delivery in enumerate(week.crawl_deliveries):
        for index, entry in enumerate(delivery.file.creators):
            row = _crawl_creator(creators, tracked, delivery, index, entry)
            creators.of_crawl_creator[position, entry.name] = row
    _apply_bios(week, creators, summary)
    if week.rankings is not None:
        _apply_rankings(week, creators, tracked, summary)
    tracked.save(summary.counts["creators"])
    week.creator_outcomes = {row.pk: "created" for row in tracked.new} | {
        row.pk: "updated" if tracked.changed_fields(row) else "unchanged"
        for row in tracked.existing
    }


def _crawl_creator(
    creators: CreatorIndex,
    tracked: TrackedRows,
    delivery: Delivery,
    index: int,
    entry: CreatorEntry,
) -> Creator:
    """Return the creator a crawl lists at `index`, added or brought up to date."""
    crawl: CrawlFile = delivery.file
    where = f"$.top_creators[{index}].channel_name"
    row = creators.by_channel.get(entry.channel_id) if entry.channel_id else None
    if row is None:
        named = creators.by_name.get(entry.name)
        if named is not None and (entry.channel_id is None or named.channel_id is None):
            row = named  # the same creator, now (or still) known without its channel id
            row.channel_id = row.channel_id or entry.channel_id
            creators.index(row)
        elif named is not None:
            raise _name_taken(crawl, where, entry, named)
        else:
            row = tracked.add(
                Creator(
                    channel_id=entry.channel_id,
                    creator_name=entry.name,
                    bio="",
                    tagline="",
                    specialty="",
                    leaderboard_rank=None,
                    full_data={},
                )
            )
            creators.index(row)
    names = row.full_data.get("names", [])
    if entry.name not in names:
        row.full_data = {**row.full_data, "names": sorted([*names, entry.name])}
        creators.by_crawl_name.setdefault(entry.name, row)
    seen = row.full_data.get("crawl", {}).get("collected_on", "")
    collected_on = crawl.collected_on.isoformat()
    if collected_on >= seen:  # the latest crawl's (of one day: the last applied)
        if row.creator_name != entry.name:
            holder = creators.by_name.get(entry.name)
            if holder is not None:
                raise _name_taken(crawl, where, entry, holder)
            creators.rename(row, entry.name)
        row.full_data = {
            **row.full_data,
            "crawl": {
                "collected_on": collected_on,
                "channel_name": entry.name,
                "total_views_week": entry.total_views_week,
                "video_count": entry.video_count,
            },
        }
    return row


def _name_taken(
    crawl: CrawlFile, where: str, entry: CreatorEntry, holder: Creator
) -> ImportFileError:
    return ImportFileError(
        crawl.file,
        where,
        f"channel {entry.channel_id!r} is named {entry.name!r}, "
        f"the name of another creator (channel {holder.channel_id!r})",
    )


def _apply_bios(week: ImportWeek, creators: CreatorIndex, summary: ImportSummary) -> None:
    profiled: dict[int, str] = {}
    for name, bio in week.bios.items():
        row = creators.matching(bio.channel_id, name)
        if row is None:
            summary.skipped.append(f"creator profile {name!r}: no creator with its channel or name")
            continue
        if id(row) in profiled:
            raise ImportFileError(
                week.bios_file,
                f"$.bios[{name!r}]",
                f"describes the same creator as the profile {profiled[id(row)]!r}",
            )
        profiled[id(row)] = name
        set_fields(row, bio=bio.bio, tagline=bio.tagline, specialty=bio.specialty)
        row.full_data = {
            **row.full_data,
            "bio": {
                "name": name,
                "tagline": bio.tagline,
                "bio": bio.bio,
                "specialty": bio.specialty,
                "channel_id": bio.channel_id,
            },
        }


def _apply_rankings(
    week: ImportWeek, creators: CreatorIndex, tracked: TrackedRows, summary: ImportSummary
) -> None:
    ranked: dict[int, int] = {}  # id() of the creator's row: index of its leaderboard entry
    for index, ranking in enumerate(week.rankings or []):
        row = creators.matching(ranking.channel_id, ranking.name)
        if row is None:
            summary.skipped.append(
                f"leaderboard entry {ranking.name!r}: no creator with its channel or name"
            )
            continue
        if id(row) in ranked:
            raise ImportFileError(
                week.rankings_file,
                f"$.leaderboard[{index}]",
                f"ranks the same creator as $.leaderboard[{ranked[id(row)]}]",
            )
        ranked[id(row)] = index
        row.leaderboard_rank = ranking.rank
        row.full_data = {
            **row.full_data,
            "ranking": {
                "name": ranking.name,
                "rank": ranking.rank,
                "appearances": ranking.appearances,
                "channel_id": ranking.channel_id,
            },
        }
    for row in tracked.existing:
        if id(row) not in ranked and row.leaderboard_rank is not None:
            row.leaderboard_rank = None
            row.full_data = {key: value for key, value in row.full_data.items() if key != "ranking"}
