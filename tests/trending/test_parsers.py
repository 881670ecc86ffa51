"""The weekly import's parsers: every real published file, the sample week, both crawl shapes, the
blueprint's shape, bad input of every kind, and the two score rules."""

from __future__ import annotations

import hashlib
import json
import pickle
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trending.parsers.analyzed import parse_analysis_file, parse_trending_topics
from trending.parsers.creators import parse_channel_rankings, parse_creator_bios
from trending.parsers.scores import topic_score_for_rank, video_score_for_views
from trending.parsers.validation import ImportFileError
from trending.parsers.youtube import parse_youtube_file

# file, week_of, topics, qa items, first topic
REAL_REPORTS = [
    ("2026-03-01_e940c7fa.json", date(2026, 3, 1), 2, 0, "Glyphosate Food Safety Debate"),
    ("2026-03-06_b2fa6eea.json", date(2026, 3, 6), 3, 3, "Ribeye Steak Preparation"),
    ("2026-03-17_a65048f9.json", date(2026, 3, 17), 4, 0, "Butter Quality and Additives"),
    ("2026-04-06_da4f8b27.json", date(2026, 4, 6), 5, 3, "Electrolyte Supplements on Carnivore"),
    ("2026-04-19_cf40ae06.json", date(2026, 4, 19), 5, 3, "Carnivore Transformation Stories"),
    ("2026-05-03_2027c540.json", date(2026, 5, 3), 5, 3, "Carnivore Long-Term Adherence"),
    ("2026-05-10_6787e129.json", date(2026, 5, 3), 5, 5, "Carnivore Long-Term Adherence"),
    ("2026-05-18_2ae50822.json", date(2026, 5, 18), 3, 3, "Bone Broth Benefits"),
    ("2026-06-17_89705649.json", date(2026, 6, 17), 5, 5, "Muscle Cramps & Electrolytes"),
    ("2026-07-12_006938b1.json", date(2026, 7, 12), 5, 0, "Zero Carb Bread Alternatives"),
    ("2026-08-02_31205146.json", date(2026, 8, 2), 3, 3, "Carnivore Longevity & Aging"),
    ("2026-08-19_bb6c34c8.json", date(2026, 8, 19), 5, 5, "Carnivore as Elimination Diet"),
]

# file, collected_on, total_videos_found, creators, videos kept, most viewed video
REAL_CRAWLS = [
    ("2026-06-05_2a60c5c8.json", date(2026, 5, 31), 38, 29, 37, "C1cyZObZp-Y"),
    ("2026-07-12_006938b1.json", date(2026, 7, 12), 654, 245, 556, "31HgHtSWvfU"),
    ("2026-07-26_6a251a0f.json", date(2026, 7, 26), 83, 39, 51, "XPa0DpKjnTM"),
    ("2026-08-19_bb6c34c8.json", date(2026, 8, 19), 39, 28, 39, "C3q2TFI8A98"),
]
INVALID_CRAWL = "2026-07-05_b53035a2.invalid.json"


# --- real published files -------------------------------------------------------------------


def test_tables_cover_every_real_file(shared_data):
    """Each real report and crawl has a row of expectations here, so a new file is noticed."""
    reports = sorted(path.name for path in (shared_data / "analyzed_content").glob("*.json"))
    crawls = sorted(path.name for path in (shared_data / "youtube").glob("*.json"))
    assert reports == [row[0] for row in REAL_REPORTS]
    assert crawls == sorted([row[0] for row in REAL_CRAWLS] + [INVALID_CRAWL])


@pytest.mark.parametrize(
    ("name", "week_of", "topic_count", "qa_count", "first_topic"), REAL_REPORTS
)
def test_real_report_parses(shared_data, name, week_of, topic_count, qa_count, first_topic):
    """A real report gives its week, topics ranked 1..n with scores from rank, and its Q&A."""
    path = shared_data / "analyzed_content" / name
    report = parse_analysis_file(path)

    assert report.file == str(path)
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report.week_of == week_of
    assert report.generated_at.tzinfo is not None
    assert len(report.topics) == topic_count
    assert report.topics[0].name == first_topic
    assert [topic.rank for topic in report.topics] == list(range(1, topic_count + 1))
    assert all(topic.score_from_rank for topic in report.topics)
    assert len(report.qa_section) == qa_count
    assert report.weekly_summary and report.key_insights
    assert report.videos == ()


@pytest.mark.parametrize(
    ("name", "topics"),
    [
        # a ```json fence
        ("2026-03-01_e940c7fa.json", ["Glyphosate Food Safety Debate", "RFK Trump Food Policy"]),
        # plain JSON on one line
        (
            "2026-03-06_b2fa6eea.json",
            ["Ribeye Steak Preparation", "Butcher Quality Meat Selection", "Carnivore Diet Basics"],
        ),
        # prose, then a fence
        (
            "2026-03-17_a65048f9.json",
            [
                "Butter Quality and Additives",
                "Raw Dairy Products",
                "Carnivore Cooking Recipes",
                "Non-Toxic Personal Care",
            ],
        ),
        # plain JSON over several lines
        (
            "2026-08-19_bb6c34c8.json",
            [
                "Carnivore as Elimination Diet",
                "LDL Cholesterol Concerns",
                "Breaking Weight Loss Stalls",
                "Keto to Carnivore Transition",
                "Electrolytes and Adaptation",
            ],
        ),
    ],
)
def test_real_report_topic_names(shared_data, name, topics):
    """Each way the pipeline wraps `trending_topics` yields the week's topics in order."""
    report = parse_analysis_file(shared_data / "analyzed_content" / name)
    assert [topic.name for topic in report.topics] == topics


def test_rerun_of_a_week_carries_the_same_week(shared_data):
    """The files of May 3 and May 10 are two runs of the week of May 3: same week, same topics."""
    first = parse_analysis_file(shared_data / "analyzed_content" / "2026-05-03_2027c540.json")
    rerun = parse_analysis_file(shared_data / "analyzed_content" / "2026-05-10_6787e129.json")

    assert first.week_of == rerun.week_of == date(2026, 5, 3)
    assert first.generated_at == rerun.generated_at
    assert [topic.slug for topic in first.topics] == [topic.slug for topic in rerun.topics]
    assert first.sha256 != rerun.sha256
    assert (len(first.qa_section), len(rerun.qa_section)) == (3, 5)


@pytest.mark.parametrize(
    ("name", "generated_at"),
    [
        ("2026-03-01_e940c7fa.json", datetime(2026, 3, 1, 12, 4, 2, 255056, tzinfo=UTC)),
        ("2026-04-06_da4f8b27.json", datetime(2026, 4, 6, 12, 0, tzinfo=UTC)),
        ("2026-04-19_cf40ae06.json", datetime(2026, 4, 19, 18, 0, tzinfo=UTC)),
    ],
    ids=["microseconds-naive", "seconds-naive", "zulu"],
)
def test_real_report_timestamps(shared_data, name, generated_at):
    """Timestamps with or without microseconds or zone become aware datetimes (naive = UTC)."""
    report = parse_analysis_file(shared_data / "analyzed_content" / name)
    assert report.generated_at == generated_at
    assert report.generated_at.utcoffset().total_seconds() == 0


def test_real_topic_entries_keep_their_keys(shared_data):
    """Topic entries keep every key of the file; tags come from wiki_keyword when there is one."""
    folder = shared_data / "analyzed_content"
    signal_week = parse_analysis_file(folder / "2026-04-19_cf40ae06.json").topics[0]
    assert signal_week.entry["wiki_url"] == "/wiki/#mental-clarity"
    assert signal_week.entry["signal"].startswith("Multiple Reddit transformation posts")
    assert signal_week.tags == ()

    link_week = parse_analysis_file(folder / "2026-04-06_da4f8b27.json").topics[0]
    assert link_week.entry["wiki_link"] == "/wiki/#electrolytes"
    assert link_week.entry["blog_link"].startswith("/blog/2026-03-31-electrolytes")
    assert link_week.tags == ("electrolytes",)

    keyword_week = parse_analysis_file(folder / "2026-03-17_a65048f9.json").topics[1]
    assert keyword_week.tags == ("a1a2dairy",)
    assert keyword_week.description == ""
    assert keyword_week.mentioned_by == ()


@pytest.mark.parametrize(
    ("name", "collected_on", "total_found", "creator_count", "video_count", "most_viewed"),
    REAL_CRAWLS,
)
def test_real_crawl_parses(
    shared_data, name, collected_on, total_found, creator_count, video_count, most_viewed
):
    """A real crawl gives its creators and its videos ranked by views, scored 100 down to 0."""
    path = shared_data / "youtube" / name
    crawl = parse_youtube_file(path)

    assert crawl.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert crawl.collected_on == collected_on
    assert crawl.collected_at.tzinfo is not None
    assert crawl.total_videos_found == total_found
    assert crawl.search_queries == (
        "carnivore diet",
        "animal-based diet",
        "meat only diet",
        "zero carb diet",
    )
    assert len(crawl.creators) == creator_count
    assert len(crawl.videos) == video_count
    assert sum(creator.video_count for creator in crawl.creators) == video_count
    assert [video.rank for video in crawl.videos] == list(range(1, video_count + 1))
    assert crawl.videos[0].video_id == most_viewed
    assert crawl.videos[0].score == Decimal("100.00")
    assert [video.views for video in crawl.videos] == sorted(
        (video.views for video in crawl.videos), reverse=True
    )
    assert all(a.score >= b.score for a, b in zip(crawl.videos, crawl.videos[1:], strict=False))


def test_invalid_real_crawl_names_file_line_and_column(shared_data):
    """The crawl that is not JSON fails with its name, the decoder's line and column, and why."""
    with pytest.raises(ImportFileError) as caught:
        parse_youtube_file(shared_data / "youtube" / INVALID_CRAWL)
    assert INVALID_CRAWL in str(caught.value)
    assert "line 13866, column 988" in str(caught.value)
    assert caught.value.location == "line 13866, column 988"
    assert caught.value.reason == "Invalid \\escape"


def test_real_crawl_with_channel_title_shape(shared_data):
    """Videos with channel_id + channel_title: statistics read, HTML entities in titles undone."""
    crawl = parse_youtube_file(shared_data / "youtube" / "2026-06-05_2a60c5c8.json")
    video = crawl.videos[0]

    assert video.video_id == "C1cyZObZp-Y"
    assert video.title == 'The "Biological Cost" of Ozempic & Mounjaro'
    assert (video.channel_id, video.channel_name) == ("UCqMGNjQC0qxqzW5CuzQ5-iQ", "Kent Carnivore")
    assert (video.views, video.likes, video.comments) == (112062, 4206, 1216)
    assert video.published_at == datetime(2026, 5, 24, 17, 34, 34, tzinfo=UTC)
    assert (video.relevance_score, video.duration_seconds, video.tags) == (9, None, ())
    assert video.comment_sentiment == {}
    assert video.entry["top_comments"][0]["author"] == "@artbyyuna337"


def test_real_crawl_with_channel_name_shape(shared_data):
    """Videos with channel_name + duration_seconds + tags: the creator's channel id is used."""
    crawl = parse_youtube_file(shared_data / "youtube" / "2026-07-26_6a251a0f.json")
    video = next(video for video in crawl.videos if video.video_id == "7_zRxWDN--o")

    assert (video.channel_id, video.channel_name) == ("UC9HogCphFdf-Ykerc1Wsl_g", "StevenSteph")
    assert (video.views, video.likes, video.comments) == (18352, 1715, 90)
    assert (video.duration_seconds, video.rank, video.score) == (985, 8, Decimal("95.46"))
    assert video.published_at == datetime(2026, 7, 22, 21, 0, 1, tzinfo=UTC)
    assert video.comment_sentiment["overall"] == "positive"

    tagged = parse_youtube_file(shared_data / "youtube" / "2026-07-12_006938b1.json").videos[0]
    assert tagged.tags[:3] == ("carnivorediet", "ketodiet", "ketovore")


def test_real_crawl_ranks_tied_views_newest_first(shared_data):
    """The July 12 crawl has seven videos with 0 views: they rank newest first and score 0."""
    crawl = parse_youtube_file(shared_data / "youtube" / "2026-07-12_006938b1.json")
    unwatched = [video for video in crawl.videos if video.views == 0]

    assert [video.rank for video in unwatched] == list(range(550, 557))
    assert [video.published_at for video in unwatched] == sorted(
        (video.published_at for video in unwatched), reverse=True
    )
    assert {video.score for video in unwatched} == {Decimal("0.00")}


def test_real_crawls_rename_a_creator_under_one_channel_id(shared_data):
    """One channel id carries two creator names across weeks: creators must be keyed by id."""
    folder = shared_data / "youtube"
    june = parse_youtube_file(folder / "2026-06-05_2a60c5c8.json").creators
    july = parse_youtube_file(folder / "2026-07-12_006938b1.json").creators
    channel = "UC3ymdZTdzHvpDEFhEXqQqpQ"

    assert [c.name for c in june if c.channel_id == channel] == [
        "Dr. Tony Hampton - The Metabolic Health Doc"
    ]
    assert [c.name for c in july if c.channel_id == channel] == ["Dr. Tony Hampton"]


def test_real_creator_bios(shared_data):
    """The 12 real profiles are keyed by name; an empty channel_id means none."""
    bios = parse_creator_bios(shared_data / "creator_bios.json")

    assert len(bios) == 12
    assert bios["Laura Spath"].channel_id is None
    assert bios["Shawn Baker MD"].channel_id == "UC5apkKkeZQXRSDbqSalG8CQ"
    assert bios["Anthony Chaffee MD"].specialty == "Science & neurology"
    # The bios give Steak and Butter Gal a channel id that no crawl uses.
    assert bios["Steak and Butter Gal"].channel_id == "UCcTTiHZtNpiqD2EubIO5HFw"


def test_real_channel_rankings(shared_data):
    """The real leaderboard has 10 creators ranked 1..10 in file order."""
    rankings = parse_channel_rankings(shared_data / "channel_rankings.json")

    assert [ranking.rank for ranking in rankings] == list(range(1, 11))
    assert rankings[0].name == "Laura Spath"
    assert rankings[0].channel_id == "UCBT6FNxVkQFgudbJXomqveA"
    assert rankings[5].name == "DJ's Food Channel"


# --- the sample week ------------------------------------------------------------------------


def test_sample_report(sample_data):
    """The sample report: five fenced topics scored from rank, a summary, insights, two Q&As."""
    report = parse_analysis_file(sample_data / "analyzed_content.json")

    assert report.week_of == date(2026, 11, 23)
    assert report.generated_at == datetime(2026, 11, 23, 9, 14, 52, 318204, tzinfo=UTC)
    assert [(topic.slug, topic.score) for topic in report.topics] == [
        ("holiday-roasts-on-carnivore", Decimal("100.00")),
        ("fasting-glucose-creep", Decimal("90.00")),
        ("thanksgiving-without-sides", Decimal("80.00")),
        ("tallow-cooking-skincare", Decimal("70.00")),
        ("organ-meats-for-beginners", Decimal("60.00")),
    ]
    assert report.topics[1].tags == ("insulinresistance",)
    assert len(report.qa_section) == 2
    assert report.weekly_summary.startswith("**Week of November 23, 2026**")
    assert report.key_insights.startswith("# Carnivore Diet YouTube Analysis")


def test_sample_crawl(sample_data):
    """The sample crawl: 6 creators, 12 videos, one written with Python-literal strings."""
    crawl = parse_youtube_file(sample_data / "youtube_data.json")

    assert (len(crawl.creators), len(crawl.videos)) == (6, 12)
    assert crawl.videos[0].title == "The Only Standing Rib Roast Method You Need"
    assert crawl.videos[-1].score == Decimal("76.37")
    literal = next(video for video in crawl.videos if video.video_id == "nTn7Hrt3p2M")
    assert (literal.views, literal.likes, literal.comments) == (12904, 890, 104)
    assert literal.tags == ("organmeats", "beefheart", "nosetotail")
    assert literal.comment_sentiment["overall"] == "positive"
    assert literal.entry["statistics"] == {
        "view_count": 12904,
        "like_count": 890,
        "comment_count": 104,
    }
    assert literal.entry["tags"] == ["organmeats", "beefheart", "nosetotail"]
    cheap_cuts = next(video for video in crawl.videos if video.video_id == "bDg2Cut4h8H")
    assert cheap_cuts.title == "Cheap Cuts Your Butcher Wishes You'd Buy"
    assert "beef cheeks & more" in cheap_cuts.description


def test_sample_bios_and_rankings(sample_data):
    """The sample profiles and leaderboard name the sample crawl's six creators."""
    crawl = parse_youtube_file(sample_data / "youtube_data.json")
    bios = parse_creator_bios(sample_data / "creator_bios.json")
    rankings = parse_channel_rankings(sample_data / "channel_rankings.json")
    names = {creator.name for creator in crawl.creators}

    assert set(bios) == names
    assert {ranking.name for ranking in rankings} == names
    assert bios["Nose to Tail Nina"].channel_id is None


def test_sample_blueprint_report(sample_data):
    """The blueprint-shaped sample: topics with their own scores, mentions, tags; two videos."""
    report = parse_analysis_file(sample_data / "blueprint_analysis.json")

    assert report.week_of == date(2026, 11, 16)
    assert report.generated_at == datetime(2026, 11, 16, 17, 30, tzinfo=UTC)
    assert report.weekly_summary.startswith("Cold-weather cooking")
    assert [(topic.score, topic.score_from_rank) for topic in report.topics] == [
        (Decimal("87.50"), False),
        (Decimal("72.25"), False),
        (Decimal("64.00"), False),
    ]
    assert report.topics[0].mentioned_by == ("Prairie Ribeye Kitchen", "The Butcher's Daughter")
    assert report.topics[0].tags == ("brisket", "cookingmethods", "lowandslow")
    assert report.topics[2].slug == "beef-heart-other-gateway-organs"
    assert [(video.video_id, video.creator_name, video.views) for video in report.videos] == [
        ("pRk7Brsk01b", "Prairie Ribeye Kitchen", 51877),
        ("hMg6Ldl2k5E", "Dr. Helen Marsh", 33120),
    ]
    assert report.videos[0].comment_sentiment == {"positive": 71, "neutral": 22, "negative": 7}


# --- shapes, crafted ------------------------------------------------------------------------


def test_blueprint_shape(write_file, blueprint_document):
    """The blueprint's shape: `name` for `topic`, the given score rounded half up, entities undone."""
    report = parse_analysis_file(write_file(blueprint_document))
    brisket, lipids = report.topics

    assert (brisket.score, brisket.score_from_rank) == (Decimal("87.46"), False)
    assert brisket.description == "Oven brisket & smoker brisket, side by side."
    assert brisket.tags == ("brisket", "lowandslow")
    assert brisket.entry == blueprint_document["analysis"]["trending_topics"][0]
    assert (lipids.name, lipids.slug, lipids.score) == (
        "Reading Your Lipid Panel",
        "reading-your-lipid-panel",
        Decimal("72.00"),
    )
    assert report.videos[0].title == "12-Hour Brisket & Gravy"
    assert report.qa_section == []
    assert report.weekly_summary == report.key_insights == ""


def test_both_video_shapes_and_python_literals(write_file, youtube_document):
    """channel_title videos and channel_name videos with Python-literal fields parse alike."""
    crawl = parse_youtube_file(write_file(youtube_document))
    roast, brisket, heart = crawl.videos

    assert crawl.search_queries == ("carnivore diet", "zero carb diet")
    assert roast.title == 'The "Only" Rib Roast Method'
    assert roast.description == "Reverse sear & high heat, tested."
    assert roast.thumbnail_url.endswith("/pRk4Rst9Q2a/mqdefault.jpg")
    assert brisket.relevance_score is None
    assert brisket.thumbnail_url == ""
    assert (heart.channel_id, heart.channel_name) == (
        "UCn2Ttn4Ob6Xs9Mv1Qr3Lc7h",
        "Nose to Tail Nina",
    )
    assert (heart.views, heart.likes, heart.comments) == (12904, 890, 104)
    assert heart.tags == ("organmeats", "beefheart")
    assert heart.comment_sentiment == {
        "positive_count": 4,
        "negative_count": 0,
        "overall": "positive",
    }
    assert heart.entry["statistics"] == {
        "view_count": 12904,
        "like_count": 890,
        "comment_count": 104,
    }
    assert heart.entry["tags"] == ["organmeats", "beefheart", " ", "organmeats"]
    assert heart.entry["top_comments"] == [{"text": "Tastes like sirloin!", "likes": 33}]
    json.dumps(heart.entry)  # storable as jsonb


def test_video_listed_twice_keeps_the_first(write_file, youtube_document):
    """A video listed twice (found by two search queries) is kept once, as first listed."""
    videos = youtube_document["top_creators"][0]["videos"]
    videos.append(dict(videos[0], title="Another title"))
    crawl = parse_youtube_file(write_file(youtube_document))

    assert [video.video_id for video in crawl.videos] == [
        "pRk4Rst9Q2a",
        "pRk7Brsk01b",
        "nTn7Hrt3p2M",
    ]
    assert crawl.videos[0].title == 'The "Only" Rib Roast Method'
    assert [creator.video_count for creator in crawl.creators] == [2, 1]


def test_tied_views_rank_newest_first_then_by_video_id(write_file, youtube_document):
    """Equal views rank by published_at (newest first, none last), then by video_id."""
    videos = [
        {"video_id": video_id, "title": video_id, "statistics": {"view_count": 500}}
        for video_id in ("bbb", "aaa", "old", "new", "undated")
    ]
    videos[0]["published_at"] = videos[1]["published_at"] = "2026-11-20T10:00:00Z"
    videos[2]["published_at"] = "2026-11-01T10:00:00Z"
    videos[3]["published_at"] = "2026-11-21T12:00:00+02:00"
    youtube_document["top_creators"][1]["videos"] = videos
    crawl = parse_youtube_file(write_file(youtube_document))

    tied = [video.video_id for video in crawl.videos if video.views == 500]
    assert tied == ["new", "aaa", "bbb", "old", "undated"]
    assert len({video.score for video in crawl.videos if video.views == 500}) == 1


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('[{"topic": "Beef Liver"}]', ["Beef Liver"]),
        ('```json\n[{"topic": "Beef Liver"}]\n```', ["Beef Liver"]),
        ('```\n[{"topic": "Beef Liver"}]\n```', ["Beef Liver"]),
        ('Topics this week:\n\n```json\n[{"topic": "A"}, {"topic": "B"}]\n```\nEnjoy.', ["A", "B"]),
        ('Here they are: [{"topic": "Suet"}] and that is all.', ["Suet"]),
        ('```json\n[{"topic": "Unclosed fence"}]', ["Unclosed fence"]),
        ("[]", []),
        ([{"topic": "Already a list"}], ["Already a list"]),
    ],
    ids=["plain", "fence", "bare-fence", "prose-fence", "prose-list", "unclosed", "empty", "list"],
)
def test_trending_topics_shapes(text, names):
    """Every way of holding the topic list gives the same entries."""
    entries = parse_trending_topics(text, file="week.json")
    assert [entry["topic"] for entry in entries] == names


@pytest.mark.parametrize(
    ("entry", "tags"),
    [
        (
            {"topic": "T", "tags": ["Organ Meats", "organ-meats", "#", "Liver"]},
            ("organmeats", "liver"),
        ),
        ({"topic": "T", "tags": [], "wiki_keyword": "liver"}, ()),
        ({"topic": "T", "wiki_keyword": "weight stall"}, ("weightstall",)),
        ({"topic": "T", "wiki_keyword": None}, ()),
        ({"topic": "T"}, ()),
    ],
    ids=["file-tags", "empty-file-tags", "wiki-keyword", "null-keyword", "none"],
)
def test_topic_tags_rule(write_file, analysis_document, entry, tags):
    """Tags are the file's tags slugified, else the slugified wiki_keyword, else none."""
    analysis_document["trending_topics"] = [entry]
    assert parse_analysis_file(write_file(analysis_document)).topics[0].tags == tags


# --- bad input ------------------------------------------------------------------------------


def _set_topics(value):
    return lambda document: document.update(trending_topics=value)


# fmt: off
BAD_REPORTS = [
    ("missing date", lambda d: d.pop("analysis_date"), "$.analysis_date", "missing required key"),
    ("date type", lambda d: d.update(analysis_date=20261123), "$.analysis_date", "expected a string"),
    ("bad date", lambda d: d.update(analysis_date="Smarch 40, 2026"), "$.analysis_date", "expected a date"),
    ("bad time", lambda d: d.update(timestamp="yesterday"), "$.timestamp", "expected an ISO 8601 time"),
    ("no topics", lambda d: d.pop("trending_topics"), "$.trending_topics", "missing required key"),
    ("prose only", _set_topics("No topics this week."), "$.trending_topics", "no JSON list"),
    ("broken fence", _set_topics('```json\n[{"topic": "A",]\n```'), "$.trending_topics", "fenced block"),
    ("topics type", _set_topics(7), "$.trending_topics", "got an integer"),
    ("entry type", _set_topics([{"topic": "A"}, "B"]), "$.trending_topics[1]", "expected an object"),
    ("no name", _set_topics([{"wiki_keyword": "x"}]), "$.trending_topics[0].topic", "missing"),
    ("empty name", _set_topics([{"topic": "   "}]), "$.trending_topics[0].topic", "non-empty"),
    ("name type", _set_topics([{"topic": ["A"]}]), "$.trending_topics[0].topic", "expected a string"),
    ("no slug", _set_topics([{"topic": "!!!"}]), "$.trending_topics[0].topic", "slug"),
    ("score 150", _set_topics([{"topic": "A", "engagement_score": 150}]), "$.trending_topics[0].engagement_score", "from 0 to 100, got 150"),
    ("score -1", _set_topics([{"topic": "A", "engagement_score": -1}]), "$.trending_topics[0].engagement_score", "from 0 to 100"),
    ("score text", _set_topics([{"topic": "A", "engagement_score": "high"}]), "$.trending_topics[0].engagement_score", "got a string"),
    ("score bool", _set_topics([{"topic": "A", "engagement_score": True}]), "$.trending_topics[0].engagement_score", "got a boolean"),
    ("mentions", _set_topics([{"topic": "A", "mentioned_by": "Nina"}]), "$.trending_topics[0].mentioned_by", "expected a list"),
    ("mention type", _set_topics([{"topic": "A", "mentioned_by": [3]}]), "$.trending_topics[0].mentioned_by[0]", "expected a string"),
    ("tags type", _set_topics([{"topic": "A", "tags": "x"}]), "$.trending_topics[0].tags", "expected a list"),
    ("signal type", _set_topics([{"topic": "A", "signal": 5}]), "$.trending_topics[0].signal", "expected a string"),
    ("repeat", _set_topics([{"topic": "Beef Liver"}, {"topic": "beef  liver!"}]), "$.trending_topics[1]", "repeats $.trending_topics[0]"),
    ("summary type", lambda d: d.update(weekly_summary=["x"]), "$.weekly_summary", "expected a string"),
    ("qa type", lambda d: d.update(qa_section="none"), "$.qa_section", "expected a list"),
    ("qa item", lambda d: d.update(qa_section=["Q?"]), "$.qa_section[0]", "expected an object"),
    ("analysis type", lambda d: d.update(analysis=[]), "$.analysis", "expected an object"),
    ("nul", _set_topics([{"topic": "A\u0000"}]), "$.trending_topics[0].topic", "NUL"),
    ("nul in text", _set_topics('[{"topic": "A\\u0000"}]'), "$.trending_topics[0].topic", "NUL"),
]
# fmt: on


@pytest.mark.parametrize(
    ("mutate", "location", "reason"),
    [row[1:] for row in BAD_REPORTS],
    ids=[row[0] for row in BAD_REPORTS],
)
def test_bad_report_names_the_value(write_file, analysis_document, mutate, location, reason):
    """Each bad value of a report fails with its JSON path and what was expected."""
    mutate(analysis_document)
    path = write_file(analysis_document)
    with pytest.raises(ImportFileError) as caught:
        parse_analysis_file(path)
    assert caught.value.file == str(path)
    assert caught.value.location == location
    assert reason in caught.value.reason


def _video(document):
    return document["top_creators"][0]["videos"][0]


def _literal_video(document):
    return document["top_creators"][1]["videos"][0]


VIDEO = "$.top_creators[0].videos[0]"
LITERAL_VIDEO = "$.top_creators[1].videos[0]"
# fmt: off
BAD_CRAWLS = [
    ("missing date", lambda d: d.pop("collection_date"), "$.collection_date", "missing required key"),
    ("bad date", lambda d: d.update(collection_date="23/11/2026"), "$.collection_date", "expected a date"),
    ("bad time", lambda d: d.update(collection_timestamp=""), "$.collection_timestamp", "non-empty"),
    ("total", lambda d: d.update(total_videos_found=-1), "$.total_videos_found", "got -1"),
    ("queries", lambda d: d.update(search_queries="carnivore"), "$.search_queries", "expected a list"),
    ("creators", lambda d: d.update(top_creators={}), "$.top_creators", "expected a list"),
    ("creator type", lambda d: d["top_creators"].append(None), "$.top_creators[2]", "got null"),
    ("creator name", lambda d: d["top_creators"][0].pop("channel_name"), "$.top_creators[0].channel_name", "missing"),
    ("creator views", lambda d: d["top_creators"][0].update(total_views_week=-3), "$.top_creators[0].total_views_week", "non-negative integer, got -3"),
    ("creator videos", lambda d: d["top_creators"][0].pop("videos"), "$.top_creators[0].videos", "missing"),
    ("creator twice", lambda d: d["top_creators"].append(dict(d["top_creators"][0], videos=[])), "$.top_creators[2]", "already at $.top_creators[0]"),
    ("video id", lambda d: _video(d).pop("video_id"), f"{VIDEO}.video_id", "missing"),
    ("video title", lambda d: _video(d).update(title=" "), f"{VIDEO}.title", "non-empty"),
    ("statistics", lambda d: _video(d).pop("statistics"), f"{VIDEO}.statistics", "missing"),
    ("statistics null", lambda d: _video(d).update(statistics=None), f"{VIDEO}.statistics", "expected an object, got null"),
    ("views missing", lambda d: _video(d)["statistics"].pop("view_count"), f"{VIDEO}.statistics.view_count", "missing"),
    ("views negative", lambda d: _video(d)["statistics"].update(view_count=-5), f"{VIDEO}.statistics.view_count", "non-negative integer, got -5"),
    ("views float", lambda d: _video(d)["statistics"].update(view_count=1.5), f"{VIDEO}.statistics.view_count", "got a number"),
    ("views bool", lambda d: _video(d)["statistics"].update(view_count=True), f"{VIDEO}.statistics.view_count", "got a boolean"),
    ("views text", lambda d: _video(d)["statistics"].update(view_count="12"), f"{VIDEO}.statistics.view_count", "got a string"),
    ("views huge", lambda d: _video(d)["statistics"].update(view_count=2**63), f"{VIDEO}.statistics.view_count", "non-negative integer"),
    ("likes negative", lambda d: _video(d)["statistics"].update(like_count=-1), f"{VIDEO}.statistics.like_count", "got -1"),
    ("view_count copy", lambda d: _video(d).update(view_count=-1), f"{VIDEO}.view_count", "got -1"),
    ("relevance 11", lambda d: _video(d).update(relevance_score=11), f"{VIDEO}.relevance_score", "from 0 to 10, got 11"),
    ("relevance -1", lambda d: _video(d).update(relevance_score=-1), f"{VIDEO}.relevance_score", "from 0 to 10"),
    ("published", lambda d: _video(d).update(published_at="last Tuesday"), f"{VIDEO}.published_at", "ISO 8601"),
    ("channel differs", lambda d: _video(d).update(channel_id="UCother"), f"{VIDEO}.channel_id", "expected the creator's channel_id"),
    ("title too long", lambda d: _video(d).update(title="x" * 501), f"{VIDEO}.title", "at most 500"),
    ("duration", lambda d: _literal_video(d).update(duration_seconds=-60), f"{LITERAL_VIDEO}.duration_seconds", "got -60"),
    ("literal broken", lambda d: _literal_video(d).update(statistics="{'view_count': "), f"{LITERAL_VIDEO}.statistics", "Python literal"),
    ("literal code", lambda d: _literal_video(d).update(statistics="__import__('os')"), f"{LITERAL_VIDEO}.statistics", "Python literal"),
    ("literal kind", lambda d: _literal_video(d).update(statistics="[1, 2]"), f"{LITERAL_VIDEO}.statistics", "expected an object, got a list"),
    ("literal tuple", lambda d: _literal_video(d).update(tags="('a', 'b')"), f"{LITERAL_VIDEO}.tags", "a Python tuple is not JSON"),
    ("literal set", lambda d: _literal_video(d).update(comment_sentiment="{'a': {1, 2}}"), f"{LITERAL_VIDEO}.comment_sentiment.a", "a Python set is not JSON"),
    ("literal inf", lambda d: _literal_video(d).update(comment_sentiment="{'score': 1e999}"), f"{LITERAL_VIDEO}.comment_sentiment.score", "finite"),
    ("literal views", lambda d: _literal_video(d).update(statistics="{'view_count': -2}"), f"{LITERAL_VIDEO}.statistics.view_count", "got -2"),
    ("tag type", lambda d: _literal_video(d).update(tags=["a", 1]), f"{LITERAL_VIDEO}.tags[1]", "expected a string"),
    ("nul", lambda d: _video(d).update(description="a\u0000b"), f"{VIDEO}.description", "NUL"),
    ("surrogate", lambda d: _video(d).update(title="\ud83d"), f"{VIDEO}.title", "surrogate"),
]
# fmt: on


@pytest.mark.parametrize(
    ("mutate", "location", "reason"),
    [row[1:] for row in BAD_CRAWLS],
    ids=[row[0] for row in BAD_CRAWLS],
)
def test_bad_crawl_names_the_value(write_file, youtube_document, mutate, location, reason):
    """Each bad value of a crawl fails with its JSON path and what was expected."""
    mutate(youtube_document)
    with pytest.raises(ImportFileError) as caught:
        parse_youtube_file(write_file(youtube_document))
    assert caught.value.location == location
    assert reason in caught.value.reason


# fmt: off
BAD_BLUEPRINTS = [
    ("score 150", lambda a: a["trending_topics"][0].update(engagement_score=150), "$.analysis.trending_topics[0].engagement_score", "got 150"),
    ("score nan", lambda a: a["trending_topics"][0].update(engagement_score=float("nan")), "", "NaN is not a JSON number"),
    ("video views", lambda a: a["top_videos"][0].update(views=-10), "$.analysis.top_videos[0].views", "got -10"),
    ("video creator", lambda a: a["top_videos"][0].pop("creator"), "$.analysis.top_videos[0].creator", "missing"),
    ("videos type", lambda a: a.update(top_videos={}), "$.analysis.top_videos", "expected a list"),
    ("no topics", lambda a: a.pop("trending_topics"), "$.analysis.trending_topics", "missing"),
]
# fmt: on


@pytest.mark.parametrize(
    ("mutate", "location", "reason"),
    [row[1:] for row in BAD_BLUEPRINTS],
    ids=[row[0] for row in BAD_BLUEPRINTS],
)
def test_bad_blueprint_names_the_value(write_file, blueprint_document, mutate, location, reason):
    """Bad values in the blueprint's shape fail with paths under `$.analysis`."""
    mutate(blueprint_document["analysis"])
    with pytest.raises(ImportFileError) as caught:
        parse_analysis_file(write_file(blueprint_document))
    assert caught.value.location == location
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("content", "location", "reason"),
    [
        (b"", "", "the file is empty"),
        (b"  \n ", "", "the file is empty"),
        (b'{"analysis_date": "November 23, 2026", "trending_to', "line 1, column 40", "truncated"),
        (
            b'{"analysis_date": "November 23, 2026",\n "timestamp": ',
            "line 2, column 15",
            "truncated",
        ),
        (b'[{"topic": "A"}]', "$", "expected a JSON object at the top level, got a list"),
        (b'"just text"', "$", "got a string"),
        (b'{"a": 1,\n "b": "caf\xe9"}', "line 2, column 11", "byte 0xe9 at byte offset 19"),
        (b"\xff\xfe{}", "line 1, column 1", "not UTF-8"),
        (b'{"a": NaN}', "", "NaN is not a JSON number"),
        (b'{"a": 1 "b": 2}', "line 1, column 9", "Expecting ',' delimiter"),
        (b"[" * 100_000, "", "not valid JSON"),
        (b'{"a": ' + b"9" * 5000 + b"}", "", "not valid JSON"),
        (b'{"a": "\\u0000"}', "$.a", "NUL"),
        (b'{"a": ["\\ud800"]}', "$.a[0]", "surrogate"),
    ],
    ids=[
        "empty",
        "blank",
        "truncated-in-string",
        "truncated-after-colon",
        "top-list",
        "top-string",
        "latin-1",
        "utf-16-bom",
        "nan",
        "not-json",
        "deep",
        "huge-integer",
        "nul-escape",
        "lone-surrogate",
    ],
)
@pytest.mark.parametrize(
    "parse",
    [parse_analysis_file, parse_youtube_file, parse_creator_bios, parse_channel_rankings],
    ids=["report", "crawl", "bios", "rankings"],
)
def test_bad_file(write_file, parse, content, location, reason):
    """A file that is not a JSON object fails with the line and column, or '$', and why."""
    path = write_file(content)
    with pytest.raises(ImportFileError) as caught:
        parse(path)
    assert caught.value.location == location
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}: ")


def test_missing_file_is_an_import_error(tmp_path):
    """A file that cannot be read fails as an ImportFileError too."""
    with pytest.raises(ImportFileError) as caught:
        parse_youtube_file(tmp_path / "absent.json")
    assert caught.value.reason == "cannot read the file: No such file or directory"


@pytest.mark.parametrize(
    ("mutate", "location", "reason"),
    [
        (lambda d: d.pop("bios"), "$.bios", "missing"),
        (lambda d: d["bios"].update({" ": {}}), "$.bios[' ']", "non-empty"),
        (lambda d: d["bios"].update({"Nina": "organs"}), "$.bios.Nina", "expected an object"),
        (
            lambda d: d["bios"]["Dr. Helen Marsh"].update(channel_id=7),
            "$.bios['Dr. Helen Marsh'].channel_id",
            "expected a string",
        ),
        (
            lambda d: d["bios"].update({" Dr. Helen Marsh": {}}),
            "$.bios[' Dr. Helen Marsh']",
            "two profiles",
        ),
    ],
    ids=["no-bios", "blank-name", "not-object", "channel-type", "name-twice"],
)
def test_bad_creator_bios(write_file, bios_document, mutate, location, reason):
    """Bad creator profiles fail with the path of the profile or field."""
    mutate(bios_document)
    with pytest.raises(ImportFileError) as caught:
        parse_creator_bios(write_file(bios_document))
    assert caught.value.location == location
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("mutate", "location", "reason"),
    [
        (lambda d: d.pop("leaderboard"), "$.leaderboard", "missing"),
        (
            lambda d: d["leaderboard"][0].update(rank=0),
            "$.leaderboard[0].rank",
            "from 1 to 32767, got 0",
        ),
        (
            lambda d: d["leaderboard"][0].update(appearances=-1),
            "$.leaderboard[0].appearances",
            "got -1",
        ),
        (lambda d: d["leaderboard"][0].pop("name"), "$.leaderboard[0].name", "missing"),
    ],
    ids=["no-board", "rank-0", "appearances", "no-name"],
)
def test_bad_channel_rankings(write_file, rankings_document, mutate, location, reason):
    """Bad leaderboard rows fail with the path of the field."""
    mutate(rankings_document)
    with pytest.raises(ImportFileError) as caught:
        parse_channel_rankings(write_file(rankings_document))
    assert caught.value.location == location
    assert reason in caught.value.reason


def test_import_file_error_message_and_pickling():
    """The message is `file: location: reason` (no location: `file: reason`); it pickles."""
    located = ImportFileError("week.json", "$.timestamp", "expected a time")
    unlocated = ImportFileError("week.json", "", "the file is empty")

    assert str(located) == "week.json: $.timestamp: expected a time"
    assert str(unlocated) == "week.json: the file is empty"
    assert isinstance(located, ValueError)
    copy = pickle.loads(pickle.dumps(located))  # noqa: S301 - our own bytes
    assert (copy.file, copy.location, copy.reason) == (
        "week.json",
        "$.timestamp",
        "expected a time",
    )


# --- score rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "score"),
    [
        (1, "100.00"),
        (2, "90.00"),
        (5, "60.00"),
        (9, "20.00"),
        (10, "10.00"),
        (11, "10.00"),
        (50, "10.00"),
    ],
)
def test_topic_score_from_rank(rank, score):
    """A topic without a score gets max(10, 100 - 10 * (rank - 1))."""
    assert topic_score_for_rank(rank) == Decimal(score)


@pytest.mark.parametrize(
    ("views", "max_views", "score"),
    [
        (241_380, 241_380, "100.00"),  # the week's most viewed video
        (0, 241_380, "0.00"),
        (0, 0, "0.00"),  # nothing watched at all
        (9, 99, "50.00"),  # ln 10 / ln 100
        (999, 999_999, "50.00"),  # ln 1000 / ln 1000000
        (1, 1, "100.00"),
        (12_904, 241_380, "76.37"),
        (15, 497_390, "21.14"),
    ],
)
def test_video_score_from_views(views, max_views, score):
    """A video's base score is 100 * ln(1 + views) / ln(1 + max views), to 2 decimals."""
    assert video_score_for_views(views, max_views) == Decimal(score)


def test_given_topic_scores_round_half_up(write_file, blueprint_document):
    """A score the file gives is kept, rounded half up to 2 decimals as written."""
    topics = blueprint_document["analysis"]["trending_topics"]
    topics[0]["engagement_score"] = 0.005
    topics[1]["engagement_score"] = 100
    report = parse_analysis_file(write_file(blueprint_document))
    assert [topic.score for topic in report.topics] == [Decimal("0.01"), Decimal("100.00")]


# --- fuzzing --------------------------------------------------------------------------------

FRAGMENTS = [
    "```json\n",
    "```\n",
    "```",
    "\n",
    "Here are the trending topics:\n",
    "[",
    "]",
    "{",
    "}",
    ",",
    '"topic"',
    ":",
    '{"topic": "Beef Liver", "wiki_keyword": null}',
    '{"topic": "Suet"}',
    '[{"topic": "Bone Broth"}]',
    "[]",
    "null",
    "NaN",
    "\\u0000",
    "\\ud800",
    '"',
    "1e999",
]
# Finite floats: a document with NaN is refused before any path exists (tested in test_bad_file).
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
topic_lists = st.lists(st.dictionaries(st.text(max_size=8), json_values, max_size=3), max_size=3)
topic_texts = (
    st.text()
    | st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=12).map("".join)
    | topic_lists.map(json.dumps)
    | topic_lists.map(lambda topics: f"Topics:\n```json\n{json.dumps(topics)}\n```\n")
)


@settings(max_examples=300, deadline=None)
@given(value=topic_texts | json_values | st.floats())
def test_fuzz_trending_topics(value):
    """Any value gives a list of topic objects or an ImportFileError, never another exception."""
    try:
        entries = parse_trending_topics(value, file="fuzz.json")
    except ImportFileError as error:
        assert error.location.startswith("$.trending_topics")
    else:
        assert isinstance(entries, list)
        assert all(isinstance(entry, dict) for entry in entries)


def _paths(value, prefix=()):
    """Yield the key path of every value inside a JSON document."""
    yield prefix
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in children:
        yield from _paths(child, (*prefix, key))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
@pytest.mark.parametrize(
    ("document_fixture", "parse"),
    [
        ("youtube_document", parse_youtube_file),
        ("analysis_document", parse_analysis_file),
        ("blueprint_document", parse_analysis_file),
    ],
    ids=["crawl", "report", "blueprint"],
)
def test_fuzz_documents(request, write_file, document_fixture, parse, data):
    """A valid document with any one value replaced parses or fails with an ImportFileError."""
    document = json.loads(json.dumps(request.getfixturevalue(document_fixture)))
    path = data.draw(st.sampled_from([path for path in _paths(document) if path]))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(json_values)
    try:
        parse(write_file(document))
    except ImportFileError as error:
        assert error.location
