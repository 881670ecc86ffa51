"""The weekly import (`trending.weekly_import`, `manage.py import_analyzed_content`).

Every real published file alone and all of them together in several orders, exact counts; a
second import that changes nothing (not even the audit log); the same week delivered twice;
weekly history; creators renamed and enriched; grid items and what editors changed on them; bad
input refused with nothing written; a failure in the middle of the write rolled back; dry runs;
and the command's exit codes and output.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from audit.models import AuditLog
from carnivore.bulk_upsert import TrackedRows
from grid.models import BentoGridItem
from tests.conftest import manage
from trending.models import (
    Creator,
    TopicWeek,
    TopVideo,
    TrendingTopic,
    VideoWeek,
    WeeklyReport,
    YoutubeCrawl,
)
from trending.parsers.scores import video_score_for_views
from trending.parsers.validation import ImportFileError
from trending.weekly_import.run import IMPORT_USERNAME, sample_week_import, weekly_import

pytestmark = pytest.mark.django_db

TABLES = {
    "reports": WeeklyReport,
    "crawls": YoutubeCrawl,
    "creators": Creator,
    "topics": TrendingTopic,
    "topic_weeks": TopicWeek,
    "videos": TopVideo,
    "video_weeks": VideoWeek,
    "grid_items": BentoGridItem,
}

# The real reports and how many topics each lists. Every topic entry makes one topic, one
# topic week and one grid item, except that 2026-05-10_6787e129.json re-delivers the week of
# May 03, 2026 (its analysis_date) with the same five topics as 2026-05-03_2027c540.json: a
# second, different file for a week, which the import refuses unless told to replace the week
# (tests/trending/test_import_weeks.py).
REAL_REPORTS = [
    ("2026-03-01_e940c7fa.json", 2),
    ("2026-03-06_b2fa6eea.json", 3),
    ("2026-03-17_a65048f9.json", 4),
    ("2026-04-06_da4f8b27.json", 5),
    ("2026-04-19_cf40ae06.json", 5),
    ("2026-05-03_2027c540.json", 5),
    ("2026-05-10_6787e129.json", 5),
    ("2026-05-18_2ae50822.json", 3),
    ("2026-06-17_89705649.json", 5),
    ("2026-07-12_006938b1.json", 5),
    ("2026-08-02_31205146.json", 3),
    ("2026-08-19_bb6c34c8.json", 5),
]
# The real crawls: creators listed and videos kept (a video listed twice counts once). Each
# crawl's 10 most viewed videos become grid items.
REAL_CRAWLS = [
    ("2026-06-05_2a60c5c8.json", 29, 37),
    ("2026-07-12_006938b1.json", 245, 556),
    ("2026-07-26_6a251a0f.json", 39, 51),
    ("2026-08-19_bb6c34c8.json", 28, 39),
]
INVALID_CRAWL = "2026-07-05_b53035a2.invalid.json"
SAME_WEEK = ("2026-05-03_2027c540.json", "2026-05-10_6787e129.json")
RENAMED_CHANNEL = "UC3ymdZTdzHvpDEFhEXqQqpQ"

# Everything together (the reports without the re-delivery):
# - reports: 11 files, 11 weeks;
# - topics and topic weeks: 45 entries; no topic recurs in another week of the real data, so 45
#   topics with one week each;
# - crawls: the 4 valid ones; videos: 37 + 556 + 51 + 39 = 683 weekly appearances of 653
#   videos (30 videos appear in two crawls); creators: 29 + 245 + 39 + 28 = 341 listings of
#   280 channels (Dr. Tony Hampton's channel under two names counts once);
# - grid items: the 45 topics, plus the 10 most viewed videos of each crawl, 40 listings of 39
#   videos (one video is in the top 10 of two crawls): 84.
ALL_REAL = {
    "reports": 11,
    "crawls": 4,
    "creators": 280,
    "topics": 45,
    "topic_weeks": 45,
    "videos": 653,
    "video_weeks": 683,
    "grid_items": 84,
}
# A first import of everything inserts one audited row per creator, topic, video, grid item.
ALL_REAL_AUDIT_ROWS = 280 + 45 + 653 + 84


def row_counts() -> dict[str, int]:
    return {kind: model.objects.count() for kind, model in TABLES.items()}


def table_contents() -> dict[str, list[dict]]:
    """Every row of every table the import may write, and of the audit log and users."""
    models = {**TABLES, "audit_log": AuditLog, "users": get_user_model()}
    return {kind: list(model.objects.order_by("pk").values()) for kind, model in models.items()}


def created(summary) -> dict[str, int]:
    return {kind: counts.created for kind, counts in summary.counts.items()}


def all_unchanged(summary) -> bool:
    return not summary.changed and all(
        counts.created == counts.updated == 0 for counts in summary.counts.values()
    )


def imported_state() -> dict[str, list]:
    """The imported data by natural keys, without ids and timestamps, to compare imports."""
    topic_slugs = dict(TrendingTopic.objects.values_list("id", "topic_slug"))
    video_ids = dict(TopVideo.objects.values_list("id", "video_id"))
    keys = {"trending_topic": topic_slugs, "top_video": video_ids}
    return {
        "reports": sorted(WeeklyReport.objects.values_list("week_of", "generated_at")),
        "crawls": sorted(YoutubeCrawl.objects.values_list("collected_on", "source_sha256")),
        "creators": sorted(
            Creator.objects.values_list(
                "channel_id", "creator_name", "tagline", "leaderboard_rank", "full_data"
            ),
            key=lambda row: row[0],
        ),
        "topics": sorted(
            TrendingTopic.objects.values_list(
                "topic_slug",
                "topic_name",
                "engagement_score",
                "mention_count",
                "first_seen_week",
                "last_seen_week",
                "tags",
                "full_data",
            ),
            key=lambda row: row[0],
        ),
        "topic_weeks": sorted(
            TopicWeek.objects.values_list(
                "topic__topic_slug", "report__week_of", "rank", "engagement_score"
            )
        ),
        "videos": sorted(
            TopVideo.objects.values_list(
                "video_id", "creator__channel_id", "title", "views", "engagement_score"
            )
        ),
        "video_weeks": sorted(
            VideoWeek.objects.values_list("video__video_id", "crawl__collected_on", "rank", "views")
        ),
        "grid_items": sorted(
            (item.content_type, keys[item.content_type][item.content_id], item.base_score)
            for item in BentoGridItem.objects.all()
        ),
    }


@pytest.fixture
def real(shared_data):
    """Paths of the real files: reports (but the re-delivery of May 03) and valid crawls in name
    order, the re-delivery, the invalid crawl, bios, rankings."""

    class Real:
        reports = [
            shared_data / "analyzed_content" / name
            for name, _ in REAL_REPORTS
            if name != SAME_WEEK[1]
        ]
        redelivery = shared_data / "analyzed_content" / SAME_WEEK[1]
        crawls = [shared_data / "youtube" / name for name, _, _ in REAL_CRAWLS]
        invalid_crawl = shared_data / "youtube" / INVALID_CRAWL
        bios = shared_data / "creator_bios.json"
        rankings = shared_data / "channel_rankings.json"

        @classmethod
        def import_all(cls, **options):
            return weekly_import(
                analyzed=cls.reports,
                youtube=cls.crawls,
                bios=cls.bios,
                rankings=cls.rankings,
                **options,
            )

    return Real


@pytest.fixture
def sample_week(sample_data):
    """Import the sample week shipped with the app, so that tests start with data."""
    return sample_week_import()


def week_document(analysis_document: dict, day: str, topics: list[str], **fields) -> dict:
    """A weekly report for `day` ("November 30, 2026") listing `topics` in rank order."""
    return {
        **analysis_document,
        "analysis_date": day,
        "trending_topics": [{"topic": name} for name in topics],
        **fields,
    }


# --- the real files -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "topics"), REAL_REPORTS, ids=[r[0] for r in REAL_REPORTS])
def test_each_real_report_alone(real, shared_data, name, topics):
    """A report alone makes its week, its topics, their weeks and their grid items."""
    summary = weekly_import(analyzed=[shared_data / "analyzed_content" / name])

    expected = dict.fromkeys(TABLES, 0) | {
        "reports": 1,
        "topics": topics,
        "topic_weeks": topics,
        "grid_items": topics,
    }
    assert row_counts() == expected
    assert created(summary) == expected
    assert len(summary.new_topics) == topics
    assert AuditLog.objects.count() == 2 * topics  # each topic and its grid item, inserted


@pytest.mark.parametrize(
    ("name", "creators", "videos"), REAL_CRAWLS, ids=[r[0] for r in REAL_CRAWLS]
)
def test_each_real_crawl_alone(shared_data, name, creators, videos):
    """A crawl alone makes its creators, videos, their weeks and 10 grid items."""
    summary = weekly_import(youtube=[shared_data / "youtube" / name])

    expected = dict.fromkeys(TABLES, 0) | {
        "crawls": 1,
        "creators": creators,
        "videos": videos,
        "video_weeks": videos,
        "grid_items": 10,
    }
    assert row_counts() == expected
    assert created(summary) == expected
    assert AuditLog.objects.count() == creators + videos + 10


def test_real_grid_items_are_the_crawls_ten_most_viewed(shared_data):
    """The grid items of a crawl are its videos ranked 1 to 10, with what a tile shows."""
    weekly_import(youtube=[shared_data / "youtube" / "2026-07-12_006938b1.json"])

    top_ten = VideoWeek.objects.filter(rank__lte=10).values_list("video_id", flat=True)
    items = BentoGridItem.objects.filter(content_type="top_video")
    assert sorted(item.content_id for item in items) == sorted(top_ten)
    first = TopVideo.objects.get(video_id="31HgHtSWvfU")
    item = items.get(content_id=first.id)
    assert (item.content_title, item.base_score, item.is_active) == (
        first.title,
        Decimal("100.00"),
        True,
    )
    assert item.data["week_of"] == "2026-07-12"
    assert item.data["creator"] == first.creator.creator_name
    assert item.data["views"] == first.views
    assert item.data["thumbnail_url"] == first.thumbnail_url
    assert item.data["tags"][:3] == ["carnivorediet", "ketodiet", "ketovore"]


def test_bios_and_rankings_alone_create_no_creator(real):
    """Profiles and the leaderboard only enrich creators a crawl brought: alone, they skip."""
    summary = weekly_import(bios=real.bios, rankings=real.rankings)

    assert row_counts() == dict.fromkeys(TABLES, 0)
    assert len(summary.skipped) == 12 + 10


ORDERS = {
    "by name": lambda files: files,
    "reversed": lambda files: files[::-1],
    "shuffled": lambda files: random.Random(7).sample(files, len(files)),
}


@pytest.mark.parametrize("one_run_per_file", [False, True], ids=["one run", "a run per file"])
def test_all_real_files_in_any_order(real, one_run_per_file):
    """All real files, in one run or one run each, in any order: the same rows, same counts."""
    states = {}
    for order_name, order in ORDERS.items():
        with transaction.atomic():
            if one_run_per_file:
                for report in order(real.reports):
                    weekly_import(analyzed=[report])
                for crawl in order(real.crawls):
                    weekly_import(youtube=[crawl])
                weekly_import(bios=real.bios, rankings=real.rankings)
            else:
                summary = weekly_import(
                    analyzed=order(real.reports),
                    youtube=order(real.crawls),
                    bios=real.bios,
                    rankings=real.rankings,
                )
                assert created(summary) == ALL_REAL, order_name
                assert not any(counts.updated for counts in summary.counts.values())
                assert AuditLog.objects.count() == ALL_REAL_AUDIT_ROWS
            assert row_counts() == ALL_REAL, order_name
            states[order_name] = imported_state()
            transaction.set_rollback(True)
    assert states["reversed"] == states["by name"]
    assert states["shuffled"] == states["by name"]


def test_second_import_changes_nothing(real):
    """Importing the same files again writes nothing: same rows, same timestamps, no audit."""
    real.import_all()
    before = table_contents()

    summary = real.import_all()

    assert all_unchanged(summary)
    assert {kind: counts.unchanged for kind, counts in summary.counts.items()} == ALL_REAL
    assert summary.new_topics == summary.topic_score_jumps == []
    assert table_contents() == before


def test_real_creator_renamed_by_the_latest_crawl(shared_data):
    """A channel renamed between crawls carries the newest crawl's name; an older crawl
    imported later does not rename it back."""
    june, july = (
        shared_data / "youtube" / name
        for name in ("2026-06-05_2a60c5c8.json", "2026-07-12_006938b1.json")
    )
    weekly_import(youtube=[june])
    assert Creator.objects.get(channel_id=RENAMED_CHANNEL).creator_name == (
        "Dr. Tony Hampton - The Metabolic Health Doc"
    )

    weekly_import(youtube=[july])
    weekly_import(youtube=[june])  # older: does not rename it back

    creator = Creator.objects.get(channel_id=RENAMED_CHANNEL)
    assert creator.creator_name == "Dr. Tony Hampton"
    assert creator.full_data["crawl"]["collected_on"] == "2026-07-12"
    assert creator.full_data["names"] == [
        "Dr. Tony Hampton",
        "Dr. Tony Hampton - The Metabolic Health Doc",
    ]
    assert Creator.objects.filter(creator_name__startswith="Dr. Tony Hampton").count() == 1


def test_real_bios_and_rankings_enrich_creators(real):
    """Profiles match by channel id, name or former name; the crawl's channel id wins."""
    summary = real.import_all()

    hampton = Creator.objects.get(channel_id=RENAMED_CHANNEL)
    # the latest crawl (July 26) names the channel "... - The Metabolic Health Doc"; the profile
    # says "Dr. Tony Hampton", the name the July 12 crawl gave it
    assert hampton.creator_name == "Dr. Tony Hampton - The Metabolic Health Doc"
    assert hampton.tagline == "Metabolic health physician"
    gal = Creator.objects.get(creator_name="Steak and Butter Gal")
    assert gal.channel_id == "UCvasvPW5q8Wwblqb_-6CkPw"  # the crawl's
    assert gal.full_data["bio"]["channel_id"] == "UCcTTiHZtNpiqD2EubIO5HFw"  # the profile's
    assert gal.specialty == "Budget & meal prep"
    assert Creator.objects.exclude(tagline="").count() == 9
    assert sorted(note.split("'")[1] for note in summary.skipped) == [
        "Carnivore MD",
        "Dr. Eric Westman",
        "Richard Smith",
    ]
    ranked = Creator.objects.filter(leaderboard_rank__isnull=False).order_by("leaderboard_rank")
    assert [c.creator_name for c in ranked][:2] == ["Laura Spath", "Low Carb Love"]
    assert ranked.count() == 10


def test_a_new_leaderboard_replaces_the_old(real, write_file):
    """Creators missing from a newer leaderboard lose their rank."""
    real.import_all()
    board = {"leaderboard": [{"name": "Shawn Baker MD", "rank": 1, "appearances": 5}]}

    summary = weekly_import(rankings=write_file(board, "channel_rankings.json"))

    assert summary.counts["creators"].updated == 10  # Shawn Baker 4 -> 1, nine unranked
    ranked = Creator.objects.filter(leaderboard_rank__isnull=False)
    assert [(c.creator_name, c.leaderboard_rank) for c in ranked] == [("Shawn Baker MD", 1)]
    assert "ranking" not in Creator.objects.get(creator_name="Laura Spath").full_data


def test_invalid_real_crawl_is_refused_and_nothing_written(real, sample_week):
    """The real file that is not JSON stops the whole import, naming its line and column."""
    before = table_contents()

    with pytest.raises(ImportFileError) as caught:
        weekly_import(analyzed=real.reports, youtube=[*real.crawls, real.invalid_crawl])

    assert caught.value.file == str(real.invalid_crawl)
    assert caught.value.location == "line 13866, column 988"
    assert "line 13866, column 988" in str(caught.value)
    assert table_contents() == before


# --- history, re-deliveries and the latest state ----------------------------------------------

TOPICS = ["Liver Pate", "Bone Broth", "Brisket", "Tallow", "Suet"]


def test_topic_in_two_weeks_keeps_both_and_shows_the_latest(write_file, analysis_document):
    """A topic in two weeks has two weekly rows; its own row shows the newer week, whatever
    the order of the imports, and a rise of more than 20% is reported."""
    week_23 = write_file(week_document(analysis_document, "November 23, 2026", TOPICS), "23.json")
    week_30 = write_file(
        week_document(analysis_document, "November 30, 2026", TOPICS[::-1]), "30.json"
    )
    first = weekly_import(analyzed=[week_23])
    second = weekly_import(analyzed=[week_30])

    assert len(first.new_topics) == 5
    assert second.new_topics == []
    # ranks 5 -> 1 (60 -> 100) and 4 -> 2 (70 -> 90) rose by more than 20%; 3 -> 3 did not
    assert sorted(t.topic_name for t in second.topic_score_jumps) == ["Suet", "Tallow"]
    assert TopicWeek.objects.count() == 10
    suet = TrendingTopic.objects.get(topic_slug="suet")
    assert list(suet.weeks.order_by("report__week_of").values_list("rank", flat=True)) == [5, 1]
    assert (suet.engagement_score, suet.mention_count) == (Decimal("100.00"), 2)
    assert (suet.first_seen_week, suet.last_seen_week) == (date(2026, 11, 23), date(2026, 11, 30))
    item = BentoGridItem.objects.get(content_type="trending_topic", content_id=suet.id)
    assert (item.base_score, item.data["week_of"]) == (Decimal("100.00"), "2026-11-30")

    third = weekly_import(analyzed=[week_23])  # the older week again: nothing to change
    assert all_unchanged(third)


def test_older_week_imported_later_leaves_the_latest_state(write_file, analysis_document):
    """An older week imported after a newer one adds its history and nothing else."""
    week_23 = write_file(week_document(analysis_document, "November 23, 2026", TOPICS), "23.json")
    week_30 = write_file(
        week_document(analysis_document, "November 30, 2026", TOPICS[::-1]), "30.json"
    )
    weekly_import(analyzed=[week_30])

    summary = weekly_import(analyzed=[week_23])

    assert summary.topic_score_jumps == []
    assert summary.counts["topic_weeks"].created == 5
    suet = TrendingTopic.objects.get(topic_slug="suet")
    assert (suet.engagement_score, suet.mention_count) == (Decimal("100.00"), 2)
    assert (suet.first_seen_week, suet.last_seen_week) == (date(2026, 11, 23), date(2026, 11, 30))


def test_grid_items_keep_what_editors_changed(write_file, analysis_document):
    """A new week updates the base score and the import's keys of `data`; the title, position,
    pin, active flag and editors' keys of `data` stay."""
    weekly_import(
        analyzed=[write_file(week_document(analysis_document, "November 23, 2026", TOPICS))]
    )
    suet = TrendingTopic.objects.get(topic_slug="suet")
    tallow = TrendingTopic.objects.get(topic_slug="tallow")
    pinned = BentoGridItem.objects.get(content_type="trending_topic", content_id=suet.id)
    pinned.content_title = "Suet, the editors' pick"
    pinned.is_pinned, pinned.grid_position = True, 3
    pinned.data = {**pinned.data, "note": "keep"}
    pinned.save()
    BentoGridItem.objects.filter(content_id=tallow.id).update(is_active=False)

    weekly_import(
        analyzed=[
            write_file(
                week_document(analysis_document, "November 30, 2026", TOPICS[::-1]), "30.json"
            )
        ]
    )

    pinned.refresh_from_db()
    assert pinned.content_title == "Suet, the editors' pick"
    assert (pinned.is_pinned, pinned.grid_position, pinned.is_active) == (True, 3, True)
    assert pinned.base_score == Decimal("100.00")
    assert pinned.data["note"] == "keep"
    assert pinned.data["week_of"] == "2026-11-30"
    hidden = BentoGridItem.objects.get(content_type="trending_topic", content_id=tallow.id)
    assert (hidden.is_active, hidden.base_score) == (False, Decimal("90.00"))


def test_report_videos_stored_when_their_creator_is_known(
    write_file, youtube_document, blueprint_document
):
    """The blueprint's top videos: known ones are left to the crawl, new ones by a known
    creator are stored (no weekly row, a grid item), others are reported."""
    blueprint_document["analysis"]["top_videos"] += [
        {
            "video_id": "pRkNew00001",
            "title": "Roast",
            "creator": "Prairie Ribeye Kitchen",
            "views": 900,
        },
        {"video_id": "zzUnknown01", "title": "Who?", "creator": "Somebody Else", "views": 5},
    ]

    summary = weekly_import(
        analyzed=[write_file(blueprint_document, "report.json")],
        youtube=[write_file(youtube_document, "crawl.json")],
    )

    assert TopVideo.objects.get(video_id="pRk7Brsk01b").title == "Oven Brisket"  # the crawl's
    new = TopVideo.objects.get(video_id="pRkNew00001")
    assert new.creator.creator_name == "Prairie Ribeye Kitchen"
    assert new.engagement_score == video_score_for_views(900, 51877)
    assert not new.weeks.exists()
    item = BentoGridItem.objects.get(content_type="top_video", content_id=new.id)
    assert item.data["week_of"] == "2026-11-16"
    assert not TopVideo.objects.filter(video_id="zzUnknown01").exists()
    assert any("zzUnknown01" in note for note in summary.skipped)
    assert summary.counts["videos"].created == 4


# --- creators: conflicts ------------------------------------------------------------------


def test_rename_onto_another_channels_name_is_refused(write_file, youtube_document):
    """A crawl naming a channel like another channel fails with its path; nothing written."""
    weekly_import(youtube=[write_file(youtube_document, "crawl.json")])
    before = table_contents()
    nina = youtube_document["top_creators"][1]
    later = {
        **youtube_document,
        "collection_date": "2026-11-30",
        "top_creators": [{**nina, "channel_name": "Prairie Ribeye Kitchen"}],
    }

    with pytest.raises(ImportFileError) as caught:
        weekly_import(youtube=[write_file(later, "later.json")])

    assert caught.value.location == "$.top_creators[0].channel_name"
    assert "the name of another creator" in caught.value.reason
    assert table_contents() == before


def test_two_profiles_for_one_creator_are_refused(write_file, youtube_document, bios_document):
    """Two profiles matching one creator (by channel id and by name) are an error."""
    bios_document["bios"] = {
        "Prairie Ribeye Kitchen": {"tagline": "one"},
        "PRK": {"tagline": "two", "channel_id": "UCq7Rb2Lm9XwT4pK8sVd1NaE"},
    }
    with pytest.raises(ImportFileError) as caught:
        weekly_import(
            youtube=[write_file(youtube_document, "crawl.json")],
            bios=write_file(bios_document, "bios.json"),
        )
    assert caught.value.location == "$.bios['PRK']"
    assert row_counts() == dict.fromkeys(TABLES, 0)


def test_two_leaderboard_entries_for_one_creator_are_refused(
    write_file, youtube_document, rankings_document
):
    """Two leaderboard entries matching one creator are an error."""
    rankings_document["leaderboard"] = [
        {"name": "Nose to Tail Nina", "rank": 1, "appearances": 2},
        {"name": "Nina", "rank": 2, "appearances": 1, "channel_id": "UCn2Ttn4Ob6Xs9Mv1Qr3Lc7h"},
    ]
    with pytest.raises(ImportFileError) as caught:
        weekly_import(
            youtube=[write_file(youtube_document, "crawl.json")],
            rankings=write_file(rankings_document, "rankings.json"),
        )
    assert (caught.value.location, caught.value.reason) == (
        "$.leaderboard[1]",
        "ranks the same creator as $.leaderboard[0]",
    )
    assert row_counts() == dict.fromkeys(TABLES, 0)


# --- bad input, failures, dry runs -----------------------------------------------------------


def _truncated(documents) -> bytes:
    return json.dumps(documents["youtube"]).encode()[:-40]


# which argument, the file's content, where the error is, what it says
BAD_INPUTS = {
    "missing key": (
        "analyzed",
        lambda docs: {k: v for k, v in docs["analysis"].items() if k != "analysis_date"},
        "$.analysis_date",
        "missing required key 'analysis_date'",
    ),
    "wrong type": (
        "youtube",
        lambda docs: {**docs["youtube"], "total_videos_found": "654"},
        "$.total_videos_found",
        "expected an integer from 0 to 2147483647, got a string",
    ),
    "score of 150": (
        "analyzed",
        lambda docs: {
            **docs["blueprint"],
            "analysis": {"trending_topics": [{"topic": "Suet", "engagement_score": 150}]},
        },
        "$.analysis.trending_topics[0].engagement_score",
        "expected a number from 0 to 100, got 150",
    ),
    "empty topic name": (
        "analyzed",
        lambda docs: {**docs["analysis"], "trending_topics": [{"topic": "  "}]},
        "$.trending_topics[0].topic",
        "expected a non-empty string, got an empty one",
    ),
    "truncated file": ("youtube", _truncated, "line 1, column", "is it truncated?"),
    "a list, not an object": (
        "bios",
        lambda docs: [docs["bios"]],
        "$",
        "expected a JSON object at the top level, got a list",
    ),
    "not UTF-8": (
        "rankings",
        lambda docs: b'{"leaderboard": [{"name": "Caf\xe9 Carnivore"}]}',
        "line 1, column 31",
        "not UTF-8: byte 0xe9",
    ),
}


@pytest.mark.parametrize(
    ("argument", "content", "location", "reason"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys()
)
def test_bad_input_is_refused_and_nothing_written(
    sample_week,
    sample_data,
    write_file,
    analysis_document,
    blueprint_document,
    youtube_document,
    bios_document,
    argument,
    content,
    location,
    reason,
):
    """A bad file among good ones: a clear error naming it, and not one row written."""
    documents = {
        "analysis": analysis_document,
        "blueprint": blueprint_document,
        "youtube": youtube_document,
        "bios": bios_document,
    }
    bad = write_file(content(documents), "bad.json")
    good_report = write_file(week_document(analysis_document, "December 7, 2026", TOPICS))
    files = {
        "analyzed": [good_report],
        "youtube": [sample_data / "youtube_data.json"],
        "bios": None,
        "rankings": None,
    }
    files[argument] = [*files[argument], bad] if argument in ("analyzed", "youtube") else bad
    before = table_contents()

    with pytest.raises(ImportFileError) as caught:
        weekly_import(**files)

    assert caught.value.file == str(bad)
    assert caught.value.location.startswith(location)
    assert reason in caught.value.reason
    assert table_contents() == before


def test_failure_in_the_middle_of_the_write_changes_nothing(real, sample_week, monkeypatch):
    """Rows of several kinds written, then a failure: every table is exactly as before."""
    before = table_contents()
    save_rows = TrackedRows.save
    saved = []

    def save_then_fail(tracked, counts):
        save_rows(tracked, counts)
        saved.append((tracked.model, len(tracked.new)))
        if tracked.model is TopVideo:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(TrackedRows, "save", save_then_fail)
    with pytest.raises(RuntimeError, match="the disk is full"):
        weekly_import(
            analyzed=[real.reports[0].parent / "2026-07-12_006938b1.json"],
            youtube=[real.crawls[1]],
            bios=real.bios,
            rankings=real.rankings,
        )

    assert saved == [
        (WeeklyReport, 1),
        (YoutubeCrawl, 1),
        (Creator, 245),
        (TrendingTopic, 5),
        (TopicWeek, 5),
        (TopVideo, 556),
    ]
    assert table_contents() == before


def test_audit_rows_name_the_import_user_as_admin(sample_week):
    """Every write is audited as the `weekly-import` user with the admin role."""
    user = get_user_model().objects.get(username=IMPORT_USERNAME)
    assert not user.has_usable_password()
    rows = AuditLog.objects.all()
    assert rows.count() == 6 + 5 + 12 + 15  # creators, topics, videos, grid items
    assert set(rows.values_list("changed_by", "app_role", "db_role")) == {
        (user.id, "admin", "authenticated")
    }
    assert set(BentoGridItem.objects.values_list("created_by", flat=True)) == {user.id}


def test_dry_run_reports_and_writes_nothing(real):
    """A dry run says what would change and leaves no trace, not even the import user."""
    before = table_contents()

    summary = real.import_all(dry_run=True)

    assert summary.dry_run
    assert created(summary) == ALL_REAL
    assert len(summary.new_topics) == 45
    assert table_contents() == before
    assert not get_user_model().objects.filter(username=IMPORT_USERNAME).exists()

    real.import_all()
    assert all_unchanged(real.import_all(dry_run=True))


def test_progress_is_reported_step_by_step(real):
    """The progress callback hears of every file read and every kind written, to the end."""
    steps = []
    real.import_all(progress=lambda step, done, total: steps.append((step, done, total)))

    total = len(real.reports) + len(real.crawls) + 2 + 6
    assert steps[-1] == ("writing grid items", total, total)
    assert [done for _, done, _ in steps] == sorted(done for _, done, _ in steps)
    assert steps[0] == ("reading 2026-03-01_e940c7fa.json", 0, total)
    assert ("writing creators", len(real.reports) + len(real.crawls) + 3, total) in steps


# --- the command ----------------------------------------------------------------------------


def run_command(*args: str, **options) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("import_analyzed_content", *args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def test_command_imports_and_shows_a_summary(real):
    """Folders stand for their files; the summary table has a row per kind; exit 0."""
    stdout, stderr = run_command(
        str(real.reports[0].parent),
        "--youtube",
        str(real.crawls[0]),
        "--youtube",
        str(real.crawls[3]),
        "--bios",
        str(real.bios),
        "--replace-week",  # the folder holds two files for May 03, 2026
    )

    assert stderr == ""
    assert row_counts()["reports"] == 11
    assert row_counts()["crawls"] == 2
    assert "Imported" in stdout
    assert re.search(r"weekly reports\W+11\W+0\W+0\W", stdout)
    assert re.search(r"creators\W+52\W+0\W+0\W", stdout)
    assert "New topics (45): Glyphosate Food Safety Debate (100.00), RFK Trump" in stdout
    assert "Skipped (7):\n  - creator profile 'Steak and Butter Gal': no creator" in stdout

    stdout, _ = run_command(str(real.reports[0]))
    assert "Nothing to change: the database already holds these files." in stdout


def test_command_dry_run(real):
    """--dry-run shows what would change and writes nothing."""
    stdout, _ = run_command(str(real.reports[0]), "--dry-run")

    assert "Dry run: what the import would change" in stdout
    assert "Dry run: nothing was written." in stdout
    assert row_counts() == dict.fromkeys(TABLES, 0)


def test_command_defaults_to_the_settings_paths(settings, sample_data):
    """With no report or crawl named, the command imports what the weekly job would: the four
    *_PATH settings' files."""
    settings.ANALYZED_CONTENT_PATH = str(sample_data / "analyzed_content.json")
    settings.YOUTUBE_DATA_PATH = str(sample_data / "youtube_data.json")
    settings.CREATOR_BIOS_PATH = str(sample_data / "creator_bios.json")
    settings.CHANNEL_RANKINGS_PATH = str(sample_data / "channel_rankings.json")

    run_command()

    assert (row_counts()["reports"], row_counts()["crawls"]) == (1, 1)
    assert Creator.objects.exclude(bio="").exists()  # the profiles were read


def test_command_invalid_file_exits_1(real):
    """A bad file: `file: location: reason` on stderr, exit status 1, nothing written."""
    with pytest.raises(SystemExit) as caught:
        run_command(str(real.reports[0]), "--youtube", str(real.invalid_crawl.parent))
    assert caught.value.code == 1
    assert row_counts() == dict.fromkeys(TABLES, 0)


def test_command_usage_errors_exit_2(settings, tmp_path):
    """A missing file, an empty folder, or nothing to import at all: exit status 2."""
    settings.ANALYZED_CONTENT_PATH = settings.YOUTUBE_DATA_PATH = ""
    for args, message in [
        ((str(tmp_path / "missing.json"),), "missing.json: no such file or folder"),
        ((str(tmp_path),), "the folder holds no *.json file"),
        (("--bios", str(tmp_path / "bios.json")), "bios.json: no such file"),
        ((), "nothing to import"),
    ]:
        with pytest.raises(CommandError, match=message.replace("*", r"\*")) as caught:
            run_command(*args)
        assert caught.value.returncode == 2


def test_command_exit_codes_in_a_shell(real, scratch_database, tmp_path):
    """Run as a program: exit 1 with `file: line, column: reason`, exit 2 for usage."""
    invalid = manage(
        "import_analyzed_content",
        "--youtube",
        str(real.invalid_crawl),
        database_url=scratch_database,
        check=False,
    )
    assert invalid.returncode == 1
    assert invalid.stderr.strip() == (
        f"{real.invalid_crawl}: line 13866, column 988: Invalid \\escape"
    )

    unknown_option = manage(
        "import_analyzed_content", "--week", "1", database_url=scratch_database, check=False
    )
    assert unknown_option.returncode == 2
    assert "unrecognized arguments: --week" in unknown_option.stderr

    missing = manage(
        "import_analyzed_content",
        str(tmp_path / "nope.json"),
        database_url=scratch_database,
        check=False,
    )
    assert missing.returncode == 2
    assert "nope.json: no such file or folder" in missing.stderr
