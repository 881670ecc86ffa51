"""The weekly import's grid items (`bento_grid_items`): what the import puts on the homepage.

Every topic of an imported report, the best-ranked videos of each imported crawl and the stored
videos of a report's `top_videos` get a grid item if they have none. Grid rows are built in one
place for the import and for the engagement rollup alike (grid/sql/grid_item_sources.sql): the
title, the base score (the ranking's prior), the content's week (its age) and `data` (tags
normalised, `week_of`, and for videos `video_id`, `thumbnail_url`, `creator`, `views`); hidden
content gets a hidden item. The existing items of imported topics and videos follow their base
score, week and the builder's keys of `data`; title, position, pin and active flag are the
editors'. New items are inserted in date order, so that a backfill's newer weeks get the newer
rows.
"""

from __future__ import annotations

from django.db.models import Q

from carnivore.bulk_upsert import TrackedRows
from grid.models import BentoGridItem, ContentType
from grid.selectors import grid_item_sources
from trending.weekly_import.state import ImportSummary, ImportWeek, set_fields


def grid_items_write(week: ImportWeek, user, summary: ImportSummary) -> None:
    """Give the imported topics and videos grid items, or bring theirs up to date."""
    imported = [(ContentType.TRENDING_TOPIC, topic.pk) for topic in week.topics.values()]
    imported += [(ContentType.TOP_VIDEO, video.pk) for video in week.videos.values()]
    sources = grid_item_sources(imported)
    items = BentoGridItem.objects.filter(
        Q(
            content_type=ContentType.TRENDING_TOPIC,
            content_id__in=[t.pk for t in week.topics.values()],
        )
        | Q(content_type=ContentType.TOP_VIDEO, content_id__in=[v.pk for v in week.videos.values()])
    )
    tracked = TrackedRows(
        BentoGridItem,
        key=["content_type", "content_id"],
        fields=["base_score", "week_of", "data"],
        rows=items,
        created_with=["content_title", "created_by", "is_active"],
    )
    for item in tracked.existing:
        source = sources[item.content_type, item.content_id]
        set_fields(
            item,
            base_score=source.base_score,
            week_of=source.week_of,
            data={**item.data, **source.data},
        )
    has_item = {(item.content_type, item.content_id) for item in tracked.existing}
    for content in _candidates(week):
        if content in has_item:
            continue
        has_item.add(content)
        source = sources[content]
        tracked.add(
            BentoGridItem(
                content_type=source.content_type,
                content_id=source.content_id,
                content_title=source.content_title,
                base_score=source.base_score,
                week_of=source.week_of,
                data=source.data,
                is_active=source.is_active,
                created_by=user,
            )
        )
    tracked.save(summary.counts["grid_items"])


def _candidates(week: ImportWeek) -> list[tuple[str, int]]:
    """Return the contents that get a grid item, in date order (new items are inserted so): each
    week's topics by rank, then its crawl's grid videos by rank, then its report's videos."""
    dated: list[tuple[tuple, tuple[str, int]]] = []
    for delivery in week.report_deliveries:
        day = delivery.file.week_of
        dated += [
            ((day, 0, entry.rank), (ContentType.TRENDING_TOPIC, week.topics[entry.slug].pk))
            for entry in delivery.file.topics
        ]
        dated += [
            ((day, 2, index), (ContentType.TOP_VIDEO, week.videos[video.video_id].pk))
            for index, video in enumerate(delivery.file.videos)
            if video.video_id in week.grid_videos
        ]
    for delivery in week.crawl_deliveries:
        dated += [
            (
                (delivery.file.collected_on, 1, entry.rank),
                (ContentType.TOP_VIDEO, week.videos[entry.video_id].pk),
            )
            for entry in delivery.file.videos
            if entry.video_id in week.grid_videos
        ]
    return list(dict.fromkeys(content for _, content in sorted(dated, key=lambda pair: pair[0])))
