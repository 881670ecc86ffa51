"""The weekly import's grid items (`bento_grid_items`): what the import puts on the homepage.

Every topic of an imported report, the best-ranked videos of each imported crawl and the stored
videos of a report's `top_videos` get a grid item if they have none: title, base score (the
topic's or video's score), `data` (tags as slugs, `week_of`, and for videos `video_id`,
`thumbnail_url`, `creator`, `views`), active, created by the import user. The existing items of
imported topics and videos follow their base score and the import's keys of `data`; title,
position, pin and active flag are the editors'.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.text import slugify

from carnivore.bulk_upsert import TrackedRows
from grid.models import BentoGridItem, ContentType
from trending.weekly_import.state import ImportSummary, ImportWeek, set_fields


def grid_items_write(week: ImportWeek, user, summary: ImportSummary) -> None:
    """Give the imported topics and videos grid items, or bring theirs up to date."""
    wanted: dict[tuple[str, int], tuple[str, Decimal, dict]] = {}
    for slug, topic in week.topics.items():
        wanted[ContentType.TRENDING_TOPIC, topic.pk] = (
            topic.topic_name,
            topic.engagement_score,
            {"tags": topic.tags, "week_of": topic.last_seen_week.isoformat(), "slug": slug},
        )
    creators = week.creators.by_id()
    for video_id, video in week.videos.items():
        creator = creators.get(video.creator_id) or video.creator
        week_of = week.crawled_weeks.get(video_id) or week.reported_weeks.get(video_id)
        wanted[ContentType.TOP_VIDEO, video.pk] = (
            video.title,
            video.engagement_score,
            {
                "tags": list(dict.fromkeys(filter(None, map(slugify, video.tags)))),
                "week_of": week_of.isoformat() if week_of else None,
                "video_id": video_id,
                "thumbnail_url": video.thumbnail_url,
                "creator": creator.creator_name,
                "views": video.views,
            },
        )
    topic_ids = [topic.pk for topic in week.topics.values()]
    video_ids = [video.pk for video in week.videos.values()]
    items = BentoGridItem.objects.filter(
        Q(content_type=ContentType.TRENDING_TOPIC, content_id__in=topic_ids)
        | Q(content_type=ContentType.TOP_VIDEO, content_id__in=video_ids)
    )
    tracked = TrackedRows(
        BentoGridItem,
        key=["content_type", "content_id"],
        fields=["base_score", "data"],
        rows=items,
        created_with=["content_title", "created_by"],
    )
    for item in tracked.existing:
        _, base_score, data = wanted[item.content_type, item.content_id]
        set_fields(item, base_score=base_score, data={**item.data, **data})
    has_item = {(item.content_type, item.content_id) for item in tracked.existing}
    candidates = [
        (ContentType.TRENDING_TOPIC, week.topics[slug].pk) for slug in sorted(week.topics)
    ]
    candidates += [
        (ContentType.TOP_VIDEO, week.videos[video_id].pk) for video_id in sorted(week.grid_videos)
    ]
    for content in candidates:
        if content in has_item:
            continue
        has_item.add(content)
        title, base_score, data = wanted[content]
        tracked.add(
            BentoGridItem(
                content_type=content[0],
                content_id=content[1],
                content_title=title,
                base_score=base_score,
                data=data,
                created_by=user,
            )
        )
    tracked.save(summary.counts["grid_items"])
