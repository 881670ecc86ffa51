"""Parse a week's YouTube crawl (`youtube_data.json`).

Accepted shape: `collection_date`, `collection_timestamp`, `total_videos_found`,
`search_queries`, and `top_creators[]` with `channel_id`, `channel_name`, `total_views_week` and
`videos[]`. A video carries `channel_id` + `channel_title` (+ a copy of `view_count`), or
`channel_name` (+ `duration_seconds`, `tags`); its `statistics`, `comment_sentiment` and `tags`
may each be JSON or a Python-literal string (read with `ast.literal_eval`). A video listed twice
keeps its first entry; a creator listed twice is an error. Videos come back in rank order, with
their base scores (`trending.parsers.scores`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trending.models import TopVideo
from trending.models import YoutubeCrawl as StoredCrawl
from trending.parsers.entries import CreatorEntry, YoutubeCrawl
from trending.parsers.scores import videos_ranked
from trending.parsers.validation import (
    Invalid,
    as_channel_id,
    as_day,
    as_integer,
    as_list,
    as_moment,
    as_name,
    as_object,
    as_structure,
    as_text,
    child_path,
    column_max_integer,
    column_max_length,
    in_file,
    load_document,
    optional,
    optional_integer,
    optional_structure,
    optional_text,
    required,
    unique,
    with_structures,
)

# Column limits of trending.models.
_TOTAL_VIDEOS_MAX = column_max_integer(StoredCrawl, "total_videos_found")
_DURATION_MAX = column_max_integer(TopVideo, "duration_seconds")
_VIDEO_ID_MAX = column_max_length(TopVideo, "video_id")
_TITLE_MAX = column_max_length(TopVideo, "title")
_URL_MAX = column_max_length(TopVideo, "thumbnail_url")


def parse_youtube_file(path: str | Path) -> YoutubeCrawl:
    """Return the YouTube crawl in `path`, validated, videos ranked. Raises ImportFileError."""
    file = str(path)
    with in_file(file):
        sha256, document = load_document(path)
        queries, queries_path = required(document, "search_queries", "$")
        creators, videos = _crawl(*required(document, "top_creators", "$"))
        return YoutubeCrawl(
            file=file,
            sha256=sha256,
            collected_on=as_day(*required(document, "collection_date", "$")),
            collected_at=as_moment(*required(document, "collection_timestamp", "$")),
            total_videos_found=as_integer(
                *required(document, "total_videos_found", "$"), high=_TOTAL_VIDEOS_MAX
            ),
            search_queries=tuple(
                as_text(query, f"{queries_path}[{index}]")
                for index, query in enumerate(as_list(queries, queries_path))
            ),
            creators=creators,
            videos=videos_ranked(videos),
        )


def _crawl(value: Any, path: str) -> tuple[tuple[CreatorEntry, ...], list[dict]]:
    """Return a crawl's creators and the fields of its videos (first listing of each kept)."""
    creators: list[CreatorEntry] = []
    videos: dict[str, dict] = {}
    first_listed: dict[str, str] = {}
    for index, item in enumerate(as_list(value, path)):
        where = f"{path}[{index}]"
        raw = as_object(item, where)
        name = as_name(*required(raw, "channel_name", where))
        channel_id = as_channel_id(*optional(raw, "channel_id", where))
        identities = [f"name {name!r}"] + ([f"channel_id {channel_id!r}"] if channel_id else [])
        for identity in identities:
            if identity in first_listed:
                raise Invalid(
                    where, f"the creator with {identity} is already at {first_listed[identity]}"
                )
            first_listed[identity] = where
        total_views_week = as_integer(*required(raw, "total_views_week", where))
        listed, listed_path = required(raw, "videos", where)
        kept = 0
        for position, video in enumerate(as_list(listed, listed_path)):
            fields = _video_fields(
                video, f"{listed_path}[{position}]", channel_id=channel_id, channel_name=name
            )
            if fields["video_id"] not in videos:
                videos[fields["video_id"]] = fields
                kept += 1
        creators.append(CreatorEntry(channel_id, name, total_views_week, kept))
    return tuple(creators), list(videos.values())


def _video_fields(value: Any, path: str, *, channel_id: str | None, channel_name: str) -> dict:
    """Return a crawl video's fields for VideoEntry, all but its rank and score."""
    raw = as_object(value, path)
    video_id = as_text(*required(raw, "video_id", path), max_length=_VIDEO_ID_MAX)
    title = as_text(*required(raw, "title", path), unescape=True, max_length=_TITLE_MAX)
    own_channel_id = as_channel_id(*optional(raw, "channel_id", path))
    if own_channel_id and channel_id and own_channel_id != channel_id:
        raise Invalid(
            child_path(path, "channel_id"),
            f"expected the creator's channel_id {channel_id!r}, got {own_channel_id!r}",
        )
    for key in ("channel_title", "channel_name"):
        optional_text(raw, key, path)
    optional_integer(raw, "view_count", path)
    statistics, statistics_path = required(raw, "statistics", path)
    statistics = as_structure(statistics, statistics_path, dict)
    sentiment, _ = optional_structure(raw, "comment_sentiment", path, dict)
    tags, tags_path = optional_structure(raw, "tags", path, list)
    published_at, published_path = optional(raw, "published_at", path)
    return {
        "video_id": video_id,
        "title": title,
        "channel_id": own_channel_id or channel_id,
        "channel_name": channel_name,
        "description": optional_text(raw, "description", path, unescape=True),
        "published_at": None if published_at is None else as_moment(published_at, published_path),
        "thumbnail_url": optional_text(raw, "thumbnail_url", path, max_length=_URL_MAX),
        "views": as_integer(*required(statistics, "view_count", statistics_path)),
        "likes": optional_integer(statistics, "like_count", statistics_path) or 0,
        "comments": optional_integer(statistics, "comment_count", statistics_path) or 0,
        "duration_seconds": optional_integer(raw, "duration_seconds", path, high=_DURATION_MAX),
        "tags": unique(
            tag
            for index, item in enumerate(tags or [])
            if (tag := as_text(item, f"{tags_path}[{index}]", blank=True))
        ),
        "comment_sentiment": sentiment or {},
        "relevance_score": optional_integer(raw, "relevance_score", path, high=10),
        "entry": with_structures(
            raw, statistics=statistics, comment_sentiment=sentiment, tags=tags
        ),
    }
