"""The weekly import's videos (`top_videos`) and their weekly rows (`top_video_weeks`).

- Videos are keyed by YouTube id. A video's own row holds its latest state, the entry of its
  most recent crawl: an older crawl imported later does not overwrite it.
- The blueprint's `analysis.top_videos`: a video no crawl has listed is stored when its creator
  is known by name, from what the report gives (title, views, comment sentiment, full_data; base
  score against the report's most viewed video), without a weekly row since there is no crawl;
  a video already known is left to the crawls, the richer source. Otherwise it is reported.
- A video's `last_seen_week` is the newest week a crawl listed it or a report named it (never
  moved back by an older file imported later): its age in the homepage's ranking.
- The `GRID_VIDEOS_PER_CRAWL` best-ranked videos of each crawl, and the stored videos of a
  report's `top_videos`, are the videos that get grid items (`grid_items`).
"""

from __future__ import annotations

from django.db.models import Max

from carnivore.bulk_upsert import TrackedRows
from trending.models import Creator, TopVideo, VideoWeek
from trending.parsers.entries import AnalysisReport, ReportVideo, VideoEntry
from trending.parsers.scores import video_score_for_views
from trending.weekly_import.state import Delivery, ImportSummary, ImportWeek, set_fields

# Videos of each crawl that get a grid item, best-ranked first.
GRID_VIDEOS_PER_CRAWL = 10

_VIDEO_FIELDS = (
    "title",
    "creator",
    "description",
    "published_at",
    "views",
    "likes",
    "comments",
    "duration_seconds",
    "tags",
    "comment_sentiment",
    "relevance_score",
    "engagement_score",
    "thumbnail_url",
    "full_data",
    "last_seen_week",
)
_VIDEO_WEEK_FIELDS = ("rank", "views", "likes", "comments", "engagement_score", "entry")


def videos_write(week: ImportWeek, user, summary: ImportSummary) -> None:
    """Save the crawls' videos and their weekly rows, and the report-only videos."""
    deliveries = week.crawl_deliveries
    creators = week.creators
    reported = [(d, video) for d in week.report_deliveries for video in d.file.videos]
    video_ids = {entry.video_id for delivery in deliveries for entry in delivery.file.videos}
    video_ids |= {video.video_id for _, video in reported}
    videos = {
        row.video_id: row
        for row in TopVideo.objects.filter(video_id__in=video_ids)
        .select_related("creator")
        .annotate(last_crawled_on=Max("weeks__crawl__collected_on"))
    }
    tracked_videos = TrackedRows(
        TopVideo, key=["video_id"], fields=_VIDEO_FIELDS, rows=videos.values()
    )
    video_id_of = {row.pk: video_id for video_id, row in videos.items()}
    crawl_ids = [delivery.row.pk for delivery in deliveries]
    weeks = {
        (video_id_of[row.video_id], row.crawl_id): row
        for row in VideoWeek.objects.filter(crawl__in=crawl_ids, video__in=list(video_id_of))
    }
    tracked_weeks = TrackedRows(
        VideoWeek, key=["video", "crawl"], fields=_VIDEO_WEEK_FIELDS, rows=weeks.values()
    )
    last_seen = {video_id: row.last_crawled_on for video_id, row in videos.items()}
    latest: dict[str, tuple[VideoEntry, Creator]] = {}
    new_weeks: list[tuple[str, VideoWeek]] = []
    for position, delivery in enumerate(deliveries):
        collected_on = delivery.file.collected_on
        for entry in delivery.file.videos:
            row = weeks.get((entry.video_id, delivery.row.pk))
            if row is None:
                row = weeks[entry.video_id, delivery.row.pk] = tracked_weeks.add(
                    VideoWeek(crawl=delivery.row)
                )
                new_weeks.append((entry.video_id, row))
            set_fields(
                row,
                rank=entry.rank,
                views=entry.views,
                likes=entry.likes,
                comments=entry.comments,
                engagement_score=entry.score,
                entry=entry.entry,
            )
            last = last_seen.get(entry.video_id)
            if last is None or collected_on >= last:
                creator = creators.of_crawl_creator[position, entry.channel_name]
                latest[entry.video_id] = (entry, creator)
                last_seen[entry.video_id] = collected_on
        week.grid_videos |= {
            entry.video_id for entry in delivery.file.videos[:GRID_VIDEOS_PER_CRAWL]
        }
    for video_id, (entry, creator) in latest.items():
        row = videos.get(video_id) or tracked_videos.add(TopVideo(video_id=video_id))
        videos[video_id] = row
        set_fields(
            row,
            title=entry.title,
            creator=creator,
            description=entry.description,
            published_at=entry.published_at,
            views=entry.views,
            likes=entry.likes,
            comments=entry.comments,
            duration_seconds=entry.duration_seconds,
            tags=list(entry.tags),
            comment_sentiment=entry.comment_sentiment,
            relevance_score=entry.relevance_score,
            engagement_score=entry.score,
            thumbnail_url=entry.thumbnail_url,
            full_data=entry.entry,
        )
    week.videos = videos
    week.crawled_weeks = {video_id: day for video_id, day in last_seen.items() if day}
    for delivery, video in reported:
        _report_video(week, delivery, video, tracked_videos, summary)
    for video_id, row in videos.items():
        seen = [row.last_seen_week, week.crawled_weeks.get(video_id)]
        seen.append(week.reported_weeks.get(video_id))
        set_fields(row, last_seen_week=max(day for day in seen if day) if any(seen) else None)
    tracked_videos.save(summary.counts["videos"])
    for video_id, row in new_weeks:
        row.video = videos[video_id]
    tracked_weeks.save(summary.counts["video_weeks"])


def _report_video(
    week: ImportWeek,
    delivery: Delivery,
    video: ReportVideo,
    tracked: TrackedRows,
    summary: ImportSummary,
) -> None:
    """Store a video the report lists, when no crawl has and its creator is known."""
    report: AnalysisReport = delivery.file
    if video.video_id not in week.videos:
        creator = week.creators.matching(None, video.creator_name)
        if creator is None:
            summary.skipped.append(
                f"video {video.video_id} of the report of {report.week_of}: "
                f"no crawl lists it and no creator is named {video.creator_name!r}"
            )
            return
        most_views = max(listed.views for listed in report.videos)
        week.videos[video.video_id] = tracked.add(
            TopVideo(
                video_id=video.video_id,
                title=video.title,
                creator=creator,
                description="",
                published_at=None,
                views=video.views,
                likes=0,
                comments=0,
                duration_seconds=None,
                tags=[],
                comment_sentiment=video.comment_sentiment,
                relevance_score=None,
                engagement_score=video_score_for_views(video.views, most_views),
                thumbnail_url="",
                full_data=video.entry,
            )
        )
    week.reported_weeks[video.video_id] = report.week_of
    week.grid_videos.add(video.video_id)
