"""Parse a weekly report (`analyzed_content.json`).

Accepted shape: `analysis_date` ("August 19, 2026" or "2026-08-19"), `timestamp` (ISO 8601,
with or without microseconds and zone), `trending_topics`, and optional `weekly_summary`,
`key_insights`, `qa_section`. `trending_topics` is a list, or a string holding one: plain JSON,
inside a Markdown ```json fence, or after some prose. A topic entry has `topic` (or `name`) and
any of `wiki_keyword`, `wiki_url`, `wiki_link`, `blog_link`, `signal`, `description`,
`mentioned_by`, `engagement_score` (0..100), `tags`. The blueprint's own shape puts
`trending_topics`, `top_videos` and the optional fields under `analysis`.

Topic tags: the entry's `tags`, else `[wiki_keyword]` when it has one, else none; normalised as
every tag is (grid/tags.py: "Budget carnivore" is `budgetcarnivore`). Two topics of one week
that make the same slug are an error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from grid.tags import tags_normalise
from trending.models import TopVideo, TrendingTopic
from trending.parsers.entries import AnalysisReport, ReportVideo, TopicEntry
from trending.parsers.scores import score_given, topic_score_for_rank
from trending.parsers.validation import (
    Invalid,
    as_day,
    as_integer,
    as_list,
    as_moment,
    as_name,
    as_names,
    as_object,
    as_text,
    check_storable,
    child_path,
    column_max_length,
    in_file,
    kind_of,
    load_document,
    optional,
    optional_structure,
    optional_text,
    reject_constant,
    required,
    with_structures,
)

# Column limits of trending.models.
_TOPIC_NAME_MAX = column_max_length(TrendingTopic, "topic_name")
_SLUG_MAX = column_max_length(TrendingTopic, "topic_slug")
_VIDEO_ID_MAX = column_max_length(TopVideo, "video_id")
_TITLE_MAX = column_max_length(TopVideo, "title")

_TOPIC_LINK_KEYS = ("wiki_url", "wiki_link", "blog_link", "signal")
# A fence's info string ("json") is optional; an unclosed fence runs to the end of the text.
_FENCE = re.compile(r"```[^\n`]*\n(.*?)(?:```|\Z)", re.DOTALL)
# Where a list of topic objects (or an empty list) may start inside prose.
_LIST_START = re.compile(r"\[\s*[{\]]")


def parse_analysis_file(path: str | Path) -> AnalysisReport:
    """Return the weekly report in `path`, validated. Raises ImportFileError."""
    file = str(path)
    with in_file(file):
        sha256, document = load_document(path)
        section, where = document, "$"
        if "analysis" in document:  # the blueprint's own shape
            section, where = as_object(document["analysis"], "$.analysis"), "$.analysis"
        return AnalysisReport(
            file=file,
            sha256=sha256,
            week_of=as_day(*required(document, "analysis_date", "$")),
            generated_at=as_moment(*required(document, "timestamp", "$")),
            weekly_summary=optional_text(section, "weekly_summary", where),
            key_insights=optional_text(section, "key_insights", where),
            qa_section=_qa_section(*optional(section, "qa_section", where)),
            topics=_topics(*required(section, "trending_topics", where)),
            videos=_report_videos(*optional(section, "top_videos", where)),
        )


def parse_trending_topics(value: Any, *, file: str, path: str = "$.trending_topics") -> list[dict]:
    """Return the raw topic entries held by a report's `trending_topics`.

    Args:
        value: a list of topic objects, or a string holding one (plain JSON, a ```json fence,
            or prose followed by the list).
        file: the file the value comes from, for error messages.
        path: the value's JSON path in that file.

    Raises:
        ImportFileError: no list of topic objects can be read from `value`.
    """
    with in_file(file):
        return _topic_list(value, path)


def _topic_list(value: Any, path: str) -> list[dict]:
    if isinstance(value, str):
        entries = _list_in_text(value, path)
    elif isinstance(value, list):
        entries = value
    else:
        raise Invalid(
            path, f"expected a list of topics or a string holding one, got {kind_of(value)}"
        )
    for index, entry in enumerate(entries):
        as_object(entry, f"{path}[{index}]")
    check_storable(entries, path)
    return entries


def _list_in_text(text: str, path: str) -> list:
    """Return the JSON list in `text`: all of it, the first fence holding one, or one in prose."""
    decoder = json.JSONDecoder(parse_constant=reject_constant)
    fence_error = None
    candidates = [text, *(match.group(1) for match in _FENCE.finditer(text))]
    for index, candidate in enumerate(candidates):
        try:
            value = decoder.decode(candidate.strip())
        except (ValueError, RecursionError) as error:
            # Prose makes the whole text fail; a fence that fails is the likely culprit to report.
            if index > 0 and fence_error is None:
                fence_error = error
            continue
        if isinstance(value, list):
            return value
    for match in _LIST_START.finditer(text):
        try:
            return decoder.raw_decode(text, match.start())[0]
        except (ValueError, RecursionError):
            continue
    if fence_error is not None:
        raise Invalid(path, f"the fenced block is not a JSON list of topics: {fence_error}")
    raise Invalid(
        path,
        "no JSON list of topics found (expected a list, alone, in a ```json fence, or after text)",
    )


def _topics(value: Any, path: str) -> tuple[TopicEntry, ...]:
    topics: list[TopicEntry] = []
    index_of_slug: dict[str, int] = {}
    for index, entry in enumerate(_topic_list(value, path)):
        topic = _topic(entry, index + 1, f"{path}[{index}]")
        if topic.slug in index_of_slug:
            first = f"{path}[{index_of_slug[topic.slug]}]"
            raise Invalid(
                f"{path}[{index}]",
                f"topic {topic.name!r} repeats {first} (both make the slug {topic.slug!r})",
            )
        index_of_slug[topic.slug] = index
        topics.append(topic)
    return tuple(topics)


def _topic(entry: dict, rank: int, path: str) -> TopicEntry:
    name_key = "name" if "topic" not in entry and "name" in entry else "topic"
    name_path = child_path(path, name_key)
    name = as_text(*required(entry, name_key, path), unescape=True, max_length=_TOPIC_NAME_MAX)
    slug = slugify(name)
    if not slug:
        raise Invalid(name_path, f"topic name {name!r} has no letter or digit to make a slug of")
    if len(slug) > _SLUG_MAX:
        raise Invalid(name_path, f"topic name makes a slug longer than {_SLUG_MAX} characters")
    for key in _TOPIC_LINK_KEYS:
        optional_text(entry, key, path)
    given, score_path = optional(entry, "engagement_score", path)
    return TopicEntry(
        name=name,
        slug=slug,
        rank=rank,
        score=topic_score_for_rank(rank) if given is None else score_given(given, score_path),
        score_from_rank=given is None,
        description=optional_text(entry, "description", path, unescape=True),
        mentioned_by=as_names(*optional(entry, "mentioned_by", path)),
        tags=_topic_tags(entry, path),
        entry=entry,
    )


def _topic_tags(entry: dict, path: str) -> tuple[str, ...]:
    tags, tags_path = optional(entry, "tags", path)
    if tags is not None:
        words = [
            as_text(tag, f"{tags_path}[{index}]", blank=True)
            for index, tag in enumerate(as_list(tags, tags_path))
        ]
    else:
        words = [optional_text(entry, "wiki_keyword", path)]
    return tuple(tags_normalise(words))


def _qa_section(value: Any, path: str) -> list:
    if value is None:
        return []
    items = as_list(value, path)
    for index, item in enumerate(items):
        as_object(item, f"{path}[{index}]")
    return items


def _report_videos(value: Any, path: str) -> tuple[ReportVideo, ...]:
    if value is None:
        return ()
    videos: dict[str, ReportVideo] = {}
    for index, item in enumerate(as_list(value, path)):
        where = f"{path}[{index}]"
        raw = as_object(item, where)
        sentiment, _ = optional_structure(raw, "comment_sentiment", where, dict)
        video = ReportVideo(
            video_id=as_text(*required(raw, "video_id", where), max_length=_VIDEO_ID_MAX),
            title=as_text(*required(raw, "title", where), unescape=True, max_length=_TITLE_MAX),
            creator_name=as_name(*required(raw, "creator", where)),
            views=as_integer(*required(raw, "views", where)),
            comment_sentiment=sentiment or {},
            entry=with_structures(raw, comment_sentiment=sentiment),
        )
        videos.setdefault(video.video_id, video)
    return tuple(videos.values())
