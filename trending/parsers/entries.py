"""What the weekly parsers return: one frozen dataclass per file and per entry in it.

Values are clean (validated, stripped, timezone-aware); each entry keeps the raw JSON it came
from (`entry`) for the rows' `full_data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class TopicEntry:
    """One topic of a week's report, at its rank in the week's list."""

    name: str
    slug: str
    rank: int
    score: Decimal
    score_from_rank: bool
    description: str
    mentioned_by: tuple[str, ...]
    tags: tuple[str, ...]
    entry: dict


@dataclass(frozen=True)
class ReportVideo:
    """A video the blueprint-shaped report lists under `analysis.top_videos`."""

    video_id: str
    title: str
    creator_name: str
    views: int
    comment_sentiment: dict
    entry: dict


@dataclass(frozen=True)
class AnalysisReport:
    """A week's analysis report (`analyzed_content.json`)."""

    file: str
    sha256: str
    week_of: date
    generated_at: datetime
    weekly_summary: str
    key_insights: str
    qa_section: list
    topics: tuple[TopicEntry, ...]
    videos: tuple[ReportVideo, ...]


@dataclass(frozen=True)
class VideoEntry:
    """A video of a week's YouTube crawl, with its rank and base score in that crawl."""

    video_id: str
    title: str
    channel_id: str | None
    channel_name: str
    description: str
    published_at: datetime | None
    thumbnail_url: str
    views: int
    likes: int
    comments: int
    duration_seconds: int | None
    tags: tuple[str, ...]
    comment_sentiment: dict
    relevance_score: int | None
    rank: int
    score: Decimal
    entry: dict


@dataclass(frozen=True)
class CreatorEntry:
    """A creator of a week's YouTube crawl; `video_count` counts the videos kept for it."""

    channel_id: str | None
    name: str
    total_views_week: int
    video_count: int


@dataclass(frozen=True)
class YoutubeCrawl:
    """A week's YouTube crawl (`youtube_data.json`)."""

    file: str
    sha256: str
    collected_on: date
    collected_at: datetime
    total_videos_found: int
    search_queries: tuple[str, ...]
    creators: tuple[CreatorEntry, ...]
    videos: tuple[VideoEntry, ...]


@dataclass(frozen=True)
class CreatorBio:
    """A creator's hand-written profile from `creator_bios.json`."""

    name: str
    tagline: str
    bio: str
    specialty: str
    channel_id: str | None


@dataclass(frozen=True)
class ChannelRanking:
    """A creator's place on the leaderboard of `channel_rankings.json`."""

    name: str
    rank: int
    appearances: int
    channel_id: str | None
