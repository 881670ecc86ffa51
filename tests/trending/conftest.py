"""Fixtures for the weekly import's parsers: the real published files, the sample week, and small
valid documents that tests break one value at a time."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from trending.weekly_import.run import SAMPLE_WEEK


@pytest.fixture
def shared_data() -> Path:
    """The folder of real files published by the Carnivore Weekly project."""
    candidates = [
        Path(__file__).resolve().parents[3] / "shared" / "data",
        Path("/work/shared/data"),
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    message = f"the published data folder is missing (looked in {', '.join(map(str, candidates))})"
    if os.environ.get("CARNIVORE_REQUIRE_SYSTEM_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def sample_data() -> Path:
    """The sample week shipped in `trending/sample_data/`."""
    return SAMPLE_WEEK


@pytest.fixture
def write_file(tmp_path) -> Callable[..., Path]:
    """Write a document (JSON-encoded unless already text or bytes) to a file; return its path."""

    def write(content: object, name: str = "week.json") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content), encoding="utf-8")
        return path

    return write


@pytest.fixture
def analysis_document() -> dict:
    """A valid weekly report in the shape the pipeline publishes."""
    return {
        "weekly_summary": "**Week of November 23, 2026**\n\nRoasts and lab numbers.",
        "trending_topics": (
            "Here are this week's topics:\n\n```json\n"
            '[{"topic": "Holiday Roasts", "wiki_keyword": null},\n'
            ' {"topic": "Fasting Glucose Creep", "wiki_keyword": "insulin resistance"}]\n```'
        ),
        "key_insights": "# Insights\n\nHow-to videos win.",
        "analysis_date": "November 23, 2026",
        "timestamp": "2026-11-23T09:14:52.318204",
        "qa_section": [{"question": "Is 100 mg/dL fasting glucose bad?", "answer": "Usually not."}],
    }


@pytest.fixture
def blueprint_document() -> dict:
    """A valid weekly report in the blueprint's own shape."""
    return {
        "analysis_date": "November 16, 2026",
        "timestamp": "2026-11-16T18:30:00Z",
        "analysis": {
            "trending_topics": [
                {
                    "topic": "Slow-Cooked Brisket",
                    "description": "Oven brisket &amp; smoker brisket, side by side.",
                    "mentioned_by": ["Prairie Ribeye Kitchen", "The Butcher's Daughter"],
                    "engagement_score": 87.455,
                    "tags": ["Brisket", "low and slow"],
                },
                {"name": "Reading Your Lipid Panel", "engagement_score": 72},
            ],
            "top_videos": [
                {
                    "video_id": "pRk7Brsk01b",
                    "title": "12-Hour Brisket &amp; Gravy",
                    "creator": "Prairie Ribeye Kitchen",
                    "views": 51877,
                    "comment_sentiment": {"positive": 71, "neutral": 22, "negative": 7},
                }
            ],
        },
    }


@pytest.fixture
def youtube_document() -> dict:
    """A valid crawl with both video shapes: two creators, three videos."""
    return {
        "collection_date": "2026-11-23",
        "collection_timestamp": "2026-11-23T09:02:41.774120",
        "search_queries": ["carnivore diet", " zero carb diet "],
        "total_videos_found": 4,
        "top_creators": [
            {
                "channel_id": "UCq7Rb2Lm9XwT4pK8sVd1NaE",
                "channel_name": "Prairie Ribeye Kitchen",
                "total_views_week": 299590,
                "videos": [
                    {
                        "video_id": "pRk4Rst9Q2a",
                        "channel_id": "UCq7Rb2Lm9XwT4pK8sVd1NaE",
                        "channel_title": "Prairie Ribeye Kitchen",
                        "title": "The &quot;Only&quot; Rib Roast Method",
                        "published_at": "2026-11-19T15:00:07Z",
                        "thumbnail_url": "https://i.ytimg.com/vi/pRk4Rst9Q2a/mqdefault.jpg",
                        "description": "Reverse sear &amp; high heat, tested.",
                        "relevance_score": 9,
                        "statistics": {
                            "view_count": 241380,
                            "like_count": 9412,
                            "comment_count": 1874,
                        },
                        "view_count": 241380,
                    },
                    {
                        "video_id": "pRk7Brsk01b",
                        "channel_id": "UCq7Rb2Lm9XwT4pK8sVd1NaE",
                        "channel_title": "Prairie Ribeye Kitchen",
                        "title": "Oven Brisket",
                        "published_at": "2026-11-17T14:30:00Z",
                        "statistics": {
                            "view_count": 58210,
                            "like_count": 2630,
                            "comment_count": 341,
                        },
                        "view_count": 58210,
                    },
                ],
            },
            {
                "channel_id": "UCn2Ttn4Ob6Xs9Mv1Qr3Lc7h",
                "channel_name": "Nose to Tail Nina",
                "total_views_week": 12904,
                "videos": [
                    {
                        "video_id": "nTn7Hrt3p2M",
                        "title": "Beef Heart Steaks",
                        "channel_name": "Nose to Tail Nina",
                        "published_at": "2026-11-22T16:00:00+00:00",
                        "duration_seconds": 598,
                        "statistics": "{'view_count': 12904, 'like_count': 890, 'comment_count': 104}",
                        "tags": "['organmeats', 'beefheart', ' ', 'organmeats']",
                        "comment_sentiment": "{'positive_count': 4, 'negative_count': 0, 'overall': 'positive'}",
                        "relevance_score": 7,
                        "top_comments": [{"text": "Tastes like sirloin!", "likes": 33}],
                    }
                ],
            },
        ],
    }


@pytest.fixture
def bios_document() -> dict:
    """A valid `creator_bios.json`."""
    return {
        "bios": {
            "Dr. Helen Marsh": {
                "tagline": "Internist",
                "bio": "Explains lab work.",
                "specialty": "Metabolic health",
                "channel_id": "UCh3Lm8Qz1xNbV6tYp0WcR2d",
            }
        }
    }


@pytest.fixture
def rankings_document() -> dict:
    """A valid `channel_rankings.json`."""
    return {
        "last_updated": "2026-11-23",
        "leaderboard": [
            {"name": "Dr. Helen Marsh", "rank": 1, "appearances": 5, "channel_id": ""},
        ],
    }
