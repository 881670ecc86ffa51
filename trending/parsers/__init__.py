"""Read and validate the weekly import's files, without touching the database.

Each parser takes one published file and returns frozen dataclasses of clean values (text
stripped, HTML entities such as `&quot;` unescaped in names, titles and descriptions, datetimes
timezone-aware in UTC, a naive timestamp being UTC) with the raw entry kept for `full_data`.
Anything wrong raises `ImportFileError` naming the file, where (`line L, column C` in text that is
not JSON, else a JSON path such as `$.top_creators[3].videos[0].statistics.view_count`) and why;
no other exception escapes, whatever the file holds.

Accepted shapes:

- Weekly report (`analyzed_content.json`): `analysis_date` ("August 19, 2026" or "2026-08-19"),
  `timestamp` (ISO 8601, with or without microseconds and zone), `trending_topics`, and optional
  `weekly_summary`, `key_insights`, `qa_section`. `trending_topics` is a list, or a string
  holding one: plain JSON, inside a Markdown ```json fence, or after some prose. A topic entry has
  `topic` (or `name`) and any of `wiki_keyword`, `wiki_url`, `wiki_link`, `blog_link`, `signal`,
  `description`, `mentioned_by`, `engagement_score` (0..100), `tags`. The blueprint's own shape
  puts `trending_topics`, `top_videos` and the optional fields under `analysis`.
- Topic tags: the entry's `tags`, slugified; else `[slugify(wiki_keyword)]` when it has one; else
  none. Two topics of one week that make the same slug are an error.
- YouTube crawl (`youtube_data.json`): `collection_date`, `collection_timestamp`,
  `total_videos_found`, `search_queries`, and `top_creators[]` with `channel_id`, `channel_name`,
  `total_views_week` and `videos[]`. A video carries `channel_id` + `channel_title` (+ a copy of
  `view_count`), or `channel_name` (+ `duration_seconds`, `tags`); its `statistics`,
  `comment_sentiment` and `tags` may each be JSON or a Python-literal string (read with
  `ast.literal_eval`). A video listed twice keeps its first entry; a creator listed twice is an
  error. Videos come back in rank order.
- `creator_bios.json`: `{"bios": {name: {tagline, bio, specialty, channel_id}}}`;
  `channel_rankings.json`: `{"leaderboard": [{name, rank, appearances, channel_id}]}`. An empty
  `channel_id` means none.

Score rules (0..100, 2 decimals):

- Topic score when the file gives no `engagement_score`: `max(10, 100 - 10 * (rank - 1))`
  (rank 1 -> 100, 2 -> 90, ..., never below 10).
- Video base score: `100 * ln(1 + views) / ln(1 + max_views)`, `max_views` being the most viewed
  video of the same crawl, rounded half up to 2 decimals: the crawl's most viewed video scores
  100, a video with 0 views 0, and when every video has 0 views all score 0. Videos rank by
  views (descending), ties by `published_at` (newest first, none last), then `video_id`.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db import connection, models
from django.utils.text import slugify

from trending.models import Creator, TopVideo, TrendingTopic, YoutubeCrawl


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


def _integer_max(model: type[models.Model], name: str) -> int:
    """Return the largest value the integer column `name` of `model` holds on PostgreSQL."""
    internal_type = model._meta.get_field(name).get_internal_type()
    return connection.ops.integer_field_range(internal_type)[1]


# Column limits of trending.models, checked here to fail with a path instead of a database error.
_BIGINT_MAX = _integer_max(TopVideo, "views")  # views, likes, comments: any count by default
_TOTAL_VIDEOS_MAX = _integer_max(YoutubeCrawl, "total_videos_found")
_DURATION_MAX = _integer_max(TopVideo, "duration_seconds")
_RANK_MAX = _integer_max(Creator, "leaderboard_rank")
_COUNT_MAX = 2**31 - 1  # appearances, kept in full_data only: bounded like an integer column
_TOPIC_NAME_MAX = _max_length(TrendingTopic, "topic_name")
_SLUG_MAX = _max_length(TrendingTopic, "topic_slug")
_CREATOR_NAME_MAX = _max_length(Creator, "creator_name")
_CHANNEL_ID_MAX = _max_length(Creator, "channel_id")
_VIDEO_ID_MAX = _max_length(TopVideo, "video_id")
_TITLE_MAX = _max_length(TopVideo, "title")
_URL_MAX = _max_length(TopVideo, "thumbnail_url")
_TAGLINE_MAX = _max_length(Creator, "tagline")
_SPECIALTY_MAX = _max_length(Creator, "specialty")

_CENT = Decimal("0.01")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y")
_TOPIC_LINK_KEYS = ("wiki_url", "wiki_link", "blog_link", "signal")

# A fence's info string ("json") is optional; an unclosed fence runs to the end of the text.
_FENCE = re.compile(r"```[^\n`]*\n(.*?)(?:```|\Z)", re.DOTALL)
# Where a list of topic objects (or an empty list) may start inside prose.
_LIST_START = re.compile(r"\[\s*[{\]]")
# JSON escapes that can decode to text PostgreSQL refuses: NUL, or half of a surrogate pair.
_RISKY_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_SURROGATE = re.compile("[\ud800-\udfff]")


class ImportFileError(ValueError):
    """A file cannot be imported: which file, where in it, and why."""

    def __init__(self, file: str, location: str, reason: str) -> None:
        # All three go to Exception.args so that the error pickles (job queues do that).
        super().__init__(file, location, reason)
        self.file = file
        self.location = location
        self.reason = reason

    def __str__(self) -> str:
        if self.location:
            return f"{self.file}: {self.location}: {self.reason}"
        return f"{self.file}: {self.reason}"


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


def topic_score_for_rank(rank: int) -> Decimal:
    """Return the score of a topic the file gives none for: `max(10, 100 - 10 * (rank - 1))`."""
    return Decimal(max(10, 100 - 10 * (rank - 1))).quantize(_CENT)


def video_score_for_views(views: int, max_views: int) -> Decimal:
    """Return a video's base score, `100 * ln(1 + views) / ln(1 + max_views)`, to 2 decimals.

    Args:
        views: the video's views.
        max_views: the views of the most viewed video of the same crawl (`>= views`).
    """
    if max_views <= 0:
        return Decimal(0).quantize(_CENT)
    return _two_decimals(100 * math.log1p(views) / math.log1p(max_views))


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
    with _in_file(file):
        return _topic_list(value, path)


def parse_analysis_file(path: str | Path) -> AnalysisReport:
    """Return the weekly report in `path`, validated. Raises ImportFileError."""
    file = str(path)
    with _in_file(file):
        sha256, document = _load(path)
        section, where = document, "$"
        if "analysis" in document:  # the blueprint's own shape
            section, where = _object(document["analysis"], "$.analysis"), "$.analysis"
        return AnalysisReport(
            file=file,
            sha256=sha256,
            week_of=_day(*_required(document, "analysis_date", "$")),
            generated_at=_moment(*_required(document, "timestamp", "$")),
            weekly_summary=_optional_text(section, "weekly_summary", where),
            key_insights=_optional_text(section, "key_insights", where),
            qa_section=_qa_section(*_optional(section, "qa_section", where)),
            topics=_topics(*_required(section, "trending_topics", where)),
            videos=_report_videos(*_optional(section, "top_videos", where)),
        )


def parse_youtube_file(path: str | Path) -> YoutubeCrawl:
    """Return the YouTube crawl in `path`, validated, videos ranked. Raises ImportFileError."""
    file = str(path)
    with _in_file(file):
        sha256, document = _load(path)
        queries, queries_path = _required(document, "search_queries", "$")
        creators, videos = _crawl(*_required(document, "top_creators", "$"))
        return YoutubeCrawl(
            file=file,
            sha256=sha256,
            collected_on=_day(*_required(document, "collection_date", "$")),
            collected_at=_moment(*_required(document, "collection_timestamp", "$")),
            total_videos_found=_integer(
                *_required(document, "total_videos_found", "$"), high=_TOTAL_VIDEOS_MAX
            ),
            search_queries=tuple(
                _text(query, f"{queries_path}[{index}]")
                for index, query in enumerate(_list(queries, queries_path))
            ),
            creators=creators,
            videos=_ranked(videos),
        )


def parse_creator_bios(path: str | Path) -> dict[str, CreatorBio]:
    """Return the creator profiles in `path`, keyed by creator name. Raises ImportFileError."""
    with _in_file(str(path)):
        _, document = _load(path)
        bios_value, bios_path = _required(document, "bios", "$")
        bios: dict[str, CreatorBio] = {}
        for key, value in _object(bios_value, bios_path).items():
            where = _child(bios_path, key)
            name = _name(key, where)
            if name in bios:
                raise _Invalid(where, f"creator {name!r} has two profiles")
            profile = _object(value, where)
            bios[name] = CreatorBio(
                name=name,
                tagline=_optional_text(profile, "tagline", where, max_length=_TAGLINE_MAX),
                bio=_optional_text(profile, "bio", where),
                specialty=_optional_text(profile, "specialty", where, max_length=_SPECIALTY_MAX),
                channel_id=_channel_id(*_optional(profile, "channel_id", where)),
            )
        return bios


def parse_channel_rankings(path: str | Path) -> list[ChannelRanking]:
    """Return the leaderboard in `path`, in file order. Raises ImportFileError."""
    with _in_file(str(path)):
        _, document = _load(path)
        board, board_path = _required(document, "leaderboard", "$")
        rankings = []
        for index, value in enumerate(_list(board, board_path)):
            where = f"{board_path}[{index}]"
            row = _object(value, where)
            rankings.append(
                ChannelRanking(
                    name=_name(*_required(row, "name", where)),
                    rank=_integer(*_required(row, "rank", where), low=1, high=_RANK_MAX),
                    appearances=_integer(*_required(row, "appearances", where), high=_COUNT_MAX),
                    channel_id=_channel_id(*_optional(row, "channel_id", where)),
                )
            )
        return rankings


class _Invalid(Exception):
    """A value is wrong at `location`; `_in_file` turns it into an ImportFileError."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(location, reason)
        self.location = location
        self.reason = reason


@contextmanager
def _in_file(file: str) -> Iterator[None]:
    try:
        yield
    except _Invalid as invalid:
        raise ImportFileError(file, invalid.location, invalid.reason) from None


def _load(path: str | Path) -> tuple[str, dict]:
    """Return the hex sha256 of the file's bytes and the JSON object it holds."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise _Invalid("", f"cannot read the file: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _Invalid(
            _line_and_column(data, error.start),
            f"not UTF-8: byte 0x{data[error.start]:02x} at byte offset {error.start} "
            f"({error.reason})",
        ) from None
    if not text.strip():
        raise _Invalid("", "the file is empty")
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        reason = error.msg
        if error.pos >= len(text.rstrip()) or reason.startswith("Unterminated string"):
            reason += " (the file ends too early: is it truncated?)"
        raise _Invalid(f"line {error.lineno}, column {error.colno}", reason) from None
    except (ValueError, RecursionError) as error:  # NaN, 5,000-digit integers, deep nesting
        raise _Invalid("", f"not valid JSON: {error}") from None
    # Walking the 2.3 MB crawl takes three times as long as parsing it: only walk when an escape
    # could have produced text that PostgreSQL refuses.
    if _RISKY_ESCAPE.search(text):
        _check_storable(document, "$")
    if not isinstance(document, dict):
        raise _Invalid("$", f"expected a JSON object at the top level, got {_kind(document)}")
    return hashlib.sha256(data).hexdigest(), document


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _line_and_column(data: bytes, offset: int) -> str:
    before = data[:offset].decode("utf-8", "replace")
    line = before.count("\n") + 1
    column = len(before) - before.rfind("\n")
    return f"line {line}, column {column}"


def _check_storable(value: Any, path: str) -> None:
    """Raise unless `value` is JSON that PostgreSQL can store as text and jsonb."""
    pending = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            _check_storable_text(item, where)
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                if not isinstance(key, str):
                    raise _Invalid(where, f"keys must be strings, got {_kind(key)} {_show(key)}")
                _check_storable_text(key, where)
                children.append((child, _child(where, key)))
            pending.extend(reversed(children))
        elif isinstance(item, list):
            pending.extend((item[i], f"{where}[{i}]") for i in reversed(range(len(item))))
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise _Invalid(where, f"expected a finite number, got {item}")
        elif item is not None and not isinstance(item, int):
            raise _Invalid(where, f"{_kind(item)} is not JSON")


def _check_storable_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise _Invalid(path, "contains a NUL character (\\u0000), which PostgreSQL cannot store")
    if _SURROGATE.search(text):
        raise _Invalid(path, "contains half of a UTF-16 surrogate pair, which is not Unicode")


def _topic_list(value: Any, path: str) -> list[dict]:
    if isinstance(value, str):
        entries = _list_in_text(value, path)
    elif isinstance(value, list):
        entries = value
    else:
        raise _Invalid(
            path, f"expected a list of topics or a string holding one, got {_kind(value)}"
        )
    for index, entry in enumerate(entries):
        _object(entry, f"{path}[{index}]")
    _check_storable(entries, path)
    return entries


def _list_in_text(text: str, path: str) -> list:
    """Return the JSON list in `text`: all of it, the first fence holding one, or one in prose."""
    decoder = json.JSONDecoder(parse_constant=_reject_constant)
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
        raise _Invalid(path, f"the fenced block is not a JSON list of topics: {fence_error}")
    raise _Invalid(
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
            raise _Invalid(
                f"{path}[{index}]",
                f"topic {topic.name!r} repeats {first} (both make the slug {topic.slug!r})",
            )
        index_of_slug[topic.slug] = index
        topics.append(topic)
    return tuple(topics)


def _topic(entry: dict, rank: int, path: str) -> TopicEntry:
    name_key = "name" if "topic" not in entry and "name" in entry else "topic"
    name_path = _child(path, name_key)
    name = _text(*_required(entry, name_key, path), unescape=True, max_length=_TOPIC_NAME_MAX)
    slug = slugify(name)
    if not slug:
        raise _Invalid(name_path, f"topic name {name!r} has no letter or digit to make a slug of")
    if len(slug) > _SLUG_MAX:
        raise _Invalid(name_path, f"topic name makes a slug longer than {_SLUG_MAX} characters")
    for key in _TOPIC_LINK_KEYS:
        _optional_text(entry, key, path)
    given, score_path = _optional(entry, "engagement_score", path)
    return TopicEntry(
        name=name,
        slug=slug,
        rank=rank,
        score=topic_score_for_rank(rank) if given is None else _score(given, score_path),
        score_from_rank=given is None,
        description=_optional_text(entry, "description", path, unescape=True),
        mentioned_by=_names(*_optional(entry, "mentioned_by", path)),
        tags=_topic_tags(entry, path),
        entry=entry,
    )


def _topic_tags(entry: dict, path: str) -> tuple[str, ...]:
    tags, tags_path = _optional(entry, "tags", path)
    if tags is not None:
        words = [
            _text(tag, f"{tags_path}[{index}]", blank=True)
            for index, tag in enumerate(_list(tags, tags_path))
        ]
    else:
        words = [_optional_text(entry, "wiki_keyword", path)]
    return _unique(slug for slug in map(slugify, words) if slug)


def _qa_section(value: Any, path: str) -> list:
    if value is None:
        return []
    items = _list(value, path)
    for index, item in enumerate(items):
        _object(item, f"{path}[{index}]")
    return items


def _report_videos(value: Any, path: str) -> tuple[ReportVideo, ...]:
    if value is None:
        return ()
    videos: dict[str, ReportVideo] = {}
    for index, item in enumerate(_list(value, path)):
        where = f"{path}[{index}]"
        raw = _object(item, where)
        sentiment, _ = _optional_structure(raw, "comment_sentiment", where, dict)
        video = ReportVideo(
            video_id=_text(*_required(raw, "video_id", where), max_length=_VIDEO_ID_MAX),
            title=_text(*_required(raw, "title", where), unescape=True, max_length=_TITLE_MAX),
            creator_name=_name(*_required(raw, "creator", where)),
            views=_integer(*_required(raw, "views", where)),
            comment_sentiment=sentiment or {},
            entry=_with_structures(raw, comment_sentiment=sentiment),
        )
        videos.setdefault(video.video_id, video)
    return tuple(videos.values())


def _crawl(value: Any, path: str) -> tuple[tuple[CreatorEntry, ...], list[dict]]:
    """Return a crawl's creators and the fields of its videos (first listing of each kept)."""
    creators: list[CreatorEntry] = []
    videos: dict[str, dict] = {}
    first_listed: dict[str, str] = {}
    for index, item in enumerate(_list(value, path)):
        where = f"{path}[{index}]"
        raw = _object(item, where)
        name = _name(*_required(raw, "channel_name", where))
        channel_id = _channel_id(*_optional(raw, "channel_id", where))
        identities = [f"name {name!r}"] + ([f"channel_id {channel_id!r}"] if channel_id else [])
        for identity in identities:
            if identity in first_listed:
                raise _Invalid(
                    where, f"the creator with {identity} is already at {first_listed[identity]}"
                )
            first_listed[identity] = where
        total_views_week = _integer(*_required(raw, "total_views_week", where))
        listed, listed_path = _required(raw, "videos", where)
        kept = 0
        for position, video in enumerate(_list(listed, listed_path)):
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
    raw = _object(value, path)
    video_id = _text(*_required(raw, "video_id", path), max_length=_VIDEO_ID_MAX)
    title = _text(*_required(raw, "title", path), unescape=True, max_length=_TITLE_MAX)
    own_channel_id = _channel_id(*_optional(raw, "channel_id", path))
    if own_channel_id and channel_id and own_channel_id != channel_id:
        raise _Invalid(
            _child(path, "channel_id"),
            f"expected the creator's channel_id {channel_id!r}, got {own_channel_id!r}",
        )
    for key in ("channel_title", "channel_name"):
        _optional_text(raw, key, path)
    _optional_integer(raw, "view_count", path)
    statistics, statistics_path = _required(raw, "statistics", path)
    statistics = _structure(statistics, statistics_path, dict)
    sentiment, _ = _optional_structure(raw, "comment_sentiment", path, dict)
    tags, tags_path = _optional_structure(raw, "tags", path, list)
    published_at, published_path = _optional(raw, "published_at", path)
    return {
        "video_id": video_id,
        "title": title,
        "channel_id": own_channel_id or channel_id,
        "channel_name": channel_name,
        "description": _optional_text(raw, "description", path, unescape=True),
        "published_at": None if published_at is None else _moment(published_at, published_path),
        "thumbnail_url": _optional_text(raw, "thumbnail_url", path, max_length=_URL_MAX),
        "views": _integer(*_required(statistics, "view_count", statistics_path)),
        "likes": _optional_integer(statistics, "like_count", statistics_path) or 0,
        "comments": _optional_integer(statistics, "comment_count", statistics_path) or 0,
        "duration_seconds": _optional_integer(raw, "duration_seconds", path, high=_DURATION_MAX),
        "tags": _unique(
            tag
            for index, item in enumerate(tags or [])
            if (tag := _text(item, f"{tags_path}[{index}]", blank=True))
        ),
        "comment_sentiment": sentiment or {},
        "relevance_score": _optional_integer(raw, "relevance_score", path, high=10),
        "entry": _with_structures(
            raw, statistics=statistics, comment_sentiment=sentiment, tags=tags
        ),
    }


def _ranked(videos: list[dict]) -> tuple[VideoEntry, ...]:
    ordered = sorted(videos, key=_rank_key)
    max_views = ordered[0]["views"] if ordered else 0
    return tuple(
        VideoEntry(**fields, rank=rank, score=video_score_for_views(fields["views"], max_views))
        for rank, fields in enumerate(ordered, start=1)
    )


def _rank_key(fields: dict) -> tuple[int, float, str]:
    published_at = fields["published_at"]
    newest_first = -published_at.timestamp() if published_at else math.inf
    return -fields["views"], newest_first, fields["video_id"]


def _with_structures(raw: dict, **parsed: Any) -> dict:
    """Return `raw` with the values that were Python-literal strings replaced by what they hold."""
    return {**raw, **{key: value for key, value in parsed.items() if isinstance(raw.get(key), str)}}


def _required(obj: dict, key: str, path: str) -> tuple[Any, str]:
    """Return `obj[key]` and its path; raise when the key is missing."""
    if key not in obj:
        raise _Invalid(_child(path, key), f"missing required key {key!r}")
    return obj[key], _child(path, key)


def _optional(obj: dict, key: str, path: str) -> tuple[Any, str]:
    """Return `obj[key]` (None when missing) and its path."""
    return obj.get(key), _child(path, key)


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"


def _object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise _Invalid(path, f"expected an object, got {_kind(value)}")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise _Invalid(path, f"expected a list, got {_kind(value)}")
    return value


def _structure(value: Any, path: str, expected: type[dict] | type[list]) -> Any:
    """Return `value`, read with ast.literal_eval when the file holds it as a string."""
    expected_kind = "an object" if expected is dict else "a list"
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise _Invalid(
                path, f"expected {expected_kind} or a Python literal of one, got {_show(value)}"
            ) from None
        _check_storable(value, path)
    if not isinstance(value, expected):
        raise _Invalid(path, f"expected {expected_kind}, got {_kind(value)}")
    return value


def _optional_structure(
    obj: dict, key: str, path: str, expected: type[dict] | type[list]
) -> tuple[Any, str]:
    """Return `_structure` of `obj[key]` (None when missing or null) and its path."""
    value, where = _optional(obj, key, path)
    return (None if value is None else _structure(value, where, expected)), where


def _text(
    value: Any,
    path: str,
    *,
    blank: bool = False,
    unescape: bool = False,
    max_length: int | None = None,
) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, f"expected a string, got {_kind(value)}")
    text = (html.unescape(value) if unescape else value).strip()
    if not text and not blank:
        raise _Invalid(path, "expected a non-empty string, got an empty one")
    if max_length is not None and len(text) > max_length:
        raise _Invalid(path, f"expected at most {max_length} characters, got {len(text)}")
    return text


def _optional_text(obj: dict, key: str, path: str, **options: Any) -> str:
    """Return the stripped text at `obj[key]`, '' when it is missing, null or blank."""
    value, where = _optional(obj, key, path)
    return "" if value is None else _text(value, where, blank=True, **options)


def _name(value: Any, path: str) -> str:
    return _text(value, path, unescape=True, max_length=_CREATOR_NAME_MAX)


def _names(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    return _unique(_name(item, f"{path}[{index}]") for index, item in enumerate(_list(value, path)))


def _channel_id(value: Any, path: str) -> str | None:
    if value is None:
        return None
    return _text(value, path, blank=True, max_length=_CHANNEL_ID_MAX) or None


def _integer(value: Any, path: str, *, low: int = 0, high: int = _BIGINT_MAX) -> int:
    if (low, high) == (0, _BIGINT_MAX):
        expected = "a non-negative integer"
    else:
        expected = f"an integer from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(path, f"expected {expected}, got {_kind(value)}")
    if not low <= value <= high:
        raise _Invalid(path, f"expected {expected}, got {value}")
    return value


def _optional_integer(obj: dict, key: str, path: str, **bounds: int) -> int | None:
    value, where = _optional(obj, key, path)
    return None if value is None else _integer(value, where, **bounds)


def _score(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(path, f"expected a number from 0 to 100, got {_kind(value)}")
    if not 0 <= value <= 100:  # NaN fails this test too
        raise _Invalid(path, f"expected a number from 0 to 100, got {value}")
    return _two_decimals(value)


def _two_decimals(number: float) -> Decimal:
    # Through str() so that 87.455 rounds to 87.46 as written, not as its binary approximation.
    return Decimal(str(number)).quantize(_CENT, ROUND_HALF_UP)


def _day(value: Any, path: str) -> date:
    text = _text(value, path)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for date_format in _DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise _Invalid(
        path, f'expected a date like "August 19, 2026" or "2026-08-19", got {_show(text)}'
    )


def _moment(value: Any, path: str) -> datetime:
    text = _text(value, path)
    try:
        moment = datetime.fromisoformat(text)
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise _Invalid(
            path, f'expected an ISO 8601 time like "2026-08-19T01:04:01Z", got {_show(text)}'
        ) from None


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _kind(value: Any) -> str:
    kinds = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "null",
    }
    return kinds.get(type(value), f"a Python {type(value).__name__}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."
