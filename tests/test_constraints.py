"""Every guardrail of the schema refuses a bad row, and names itself when it does.

Each case builds one row that is valid except for the fields it overrides; the database must
refuse it with the named constraint (or, for NOT NULL, the named column).
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests import factories as f


def refusal_of(excinfo) -> str:
    """Return the constraint a database error names, or `not-null:<column>`."""
    diag = excinfo.value.__cause__.diag
    if diag.constraint_name:
        return diag.constraint_name
    return f"not-null:{diag.column_name}"


def existing(factory, field):
    """Overrides that copy `field` from a row made first: for unique keys."""
    return lambda: {field: getattr(factory(), field)}


# (case, factory, overrides (dict, or a callable returning one), constraint expected)
CASES = [
    # creators
    ("creator name blank", f.make_creator, {"creator_name": "   "}, "creators_name_not_blank"),
    (
        "creator name duplicate",
        f.make_creator,
        existing(f.make_creator, "creator_name"),
        "creators_creator_name_key",
    ),
    (
        "creator channel duplicate",
        f.make_creator,
        existing(f.make_creator, "channel_id"),
        "creators_channel_id_key",
    ),
    ("creator handle blank", f.make_creator, {"handle": ""}, "creators_handle_not_blank"),
    (
        "creator negative subscribers",
        f.make_creator,
        {"subscriber_count": -1},
        "creators_subscribers_not_negative",
    ),
    (
        "creator negative monthly videos",
        f.make_creator,
        {"monthly_video_count": -3},
        "creators_monthly_videos_not_negative",
    ),
    (
        "creator negative average views",
        f.make_creator,
        {"average_views_per_video": -1},
        "creators_average_views_not_negative",
    ),
    # trending_topics
    ("topic name empty", f.make_topic, {"topic_name": ""}, "trending_topics_name_not_blank"),
    ("topic slug empty", f.make_topic, {"topic_slug": ""}, "trending_topics_slug_not_empty"),
    (
        "topic slug duplicate",
        f.make_topic,
        existing(f.make_topic, "topic_slug"),
        "trending_topics_topic_slug_key",
    ),
    (
        "topic score 150",
        f.make_topic,
        {"engagement_score": Decimal("150")},
        "trending_topics_score_0_100",
    ),
    (
        "topic score negative",
        f.make_topic,
        {"engagement_score": Decimal("-0.01")},
        "trending_topics_score_0_100",
    ),
    (
        "topic mentions negative",
        f.make_topic,
        {"mention_count": -1},
        "trending_topics_mentions_not_negative",
    ),
    # top_videos
    ("video title blank", f.make_video, {"title": " "}, "top_videos_title_not_blank"),
    (
        "video id duplicate",
        f.make_video,
        existing(f.make_video, "video_id"),
        "top_videos_video_id_key",
    ),
    ("video without creator", f.make_video, {"creator": None}, "not-null:creator_id"),
    ("video negative views", f.make_video, {"views": -5}, "top_videos_views_not_negative"),
    ("video negative likes", f.make_video, {"likes": -1}, "top_videos_likes_not_negative"),
    ("video negative comments", f.make_video, {"comments": -1}, "top_videos_comments_not_negative"),
    (
        "video negative duration",
        f.make_video,
        {"duration_seconds": -1},
        "top_videos_duration_not_negative",
    ),
    ("video relevance 11", f.make_video, {"relevance_score": 11}, "top_videos_relevance_0_10"),
    (
        "video score 100.01",
        f.make_video,
        {"engagement_score": Decimal("100.01")},
        "top_videos_score_0_100",
    ),
    # weekly history
    (
        "report week duplicate",
        f.make_report,
        existing(f.make_report, "week_of"),
        "weekly_reports_week_of_key",
    ),
    ("report sha not hex", f.make_report, {"source_sha256": "xyz"}, "weekly_reports_sha256_hex"),
    (
        "crawl date duplicate",
        f.make_crawl,
        existing(f.make_crawl, "collected_on"),
        "youtube_crawls_collected_on_key",
    ),
    (
        "crawl negative total",
        f.make_crawl,
        {"total_videos_found": -1},
        "youtube_crawls_total_not_negative",
    ),
    ("topic week rank 0", f.make_topic_week, {"rank": 0}, "trending_topic_weeks_rank_positive"),
    (
        "topic week score 101",
        f.make_topic_week,
        {"engagement_score": Decimal("101")},
        "trending_topic_weeks_score_0_100",
    ),
    (
        "topic week twice in one report",
        f.make_topic_week,
        lambda: (lambda w: {"topic": w.topic, "report": w.report})(f.make_topic_week()),
        "trending_topic_weeks_topic_report_unique",
    ),
    ("video week rank 0", f.make_video_week, {"rank": 0}, "top_video_weeks_rank_positive"),
    (
        "video week negative views",
        f.make_video_week,
        {"views": -1},
        "top_video_weeks_counts_not_negative",
    ),
    (
        "video week twice in one crawl",
        f.make_video_week,
        lambda: (lambda w: {"video": w.video, "crawl": w.crawl})(f.make_video_week()),
        "top_video_weeks_video_crawl_unique",
    ),
    # editorial_items
    ("editorial unknown kind", f.make_editorial, {"kind": "rumour"}, "editorial_items_kind_valid"),
    ("editorial title blank", f.make_editorial, {"title": ""}, "editorial_items_title_not_blank"),
    # bento_grid_items
    ("grid position 0", f.make_grid_item, {"grid_position": 0}, "bento_grid_items_position_1_100"),
    (
        "grid position 101",
        f.make_grid_item,
        {"grid_position": 101},
        "bento_grid_items_position_1_100",
    ),
    (
        "grid negative score",
        f.make_grid_item,
        {"engagement_score": Decimal("-1")},
        "bento_grid_items_score_0_100",
    ),
    (
        "grid score above 100",
        f.make_grid_item,
        {"engagement_score": Decimal("100.5")},
        "bento_grid_items_score_0_100",
    ),
    (
        "grid base score above 100",
        f.make_grid_item,
        {"base_score": Decimal("200")},
        "bento_grid_items_base_score_0_100",
    ),
    (
        "grid sentiment above 100",
        f.make_grid_item,
        {"positive_sentiment_percent": Decimal("100.01")},
        "bento_grid_items_sentiment_0_100",
    ),
    (
        "grid negative views",
        f.make_grid_item,
        {"view_count": -1},
        "bento_grid_items_counts_not_negative",
    ),
    (
        "grid unknown content type",
        f.make_grid_item,
        {"content_type": "podcast", "content_id": 1},
        "bento_grid_items_content_type_valid",
    ),
    (
        "grid content id 0",
        f.make_grid_item,
        {"content_type": "top_video", "content_id": 0},
        "bento_grid_items_content_id_positive",
    ),
    (
        "grid title empty",
        f.make_grid_item,
        {"content_title": ""},
        "bento_grid_items_title_not_blank",
    ),
    (
        "grid duplicate content",
        f.make_grid_item,
        lambda: (lambda g: {"content_type": g.content_type, "content_id": g.content_id})(
            f.make_grid_item()
        ),
        "bento_grid_items_content_unique",
    ),
    (
        "grid pinned without position",
        f.make_grid_item,
        {"is_pinned": True},
        "bento_grid_items_pinned_has_position",
    ),
    (
        "grid two pins on one position",
        f.make_grid_item,
        lambda: (
            f.make_grid_item(is_pinned=True, grid_position=3),
            {"is_pinned": True, "grid_position": 3},
        )[1],
        "bento_grid_items_one_pin_per_position",
    ),
    # user_interests
    (
        "interests active without tags",
        f.make_interest,
        {"interest_tags": []},
        "user_interests_active_has_tags",
    ),
    (
        "interests not an array",
        f.make_interest,
        {"interests": {"tag": "beef"}},
        "user_interests_interests_is_array",
    ),
    (
        "interests 21 tags",
        f.make_interest,
        {"interest_tags": [f"t{i}" for i in range(21)]},
        "user_interests_at_most_20_tags",
    ),
    (
        "interests second row for user",
        f.make_interest,
        lambda: {"user": f.make_interest().user},
        "user_interests_user_id_key",
    ),
    # grid_refresh_runs
    (
        "refresh finished before start",
        f.make_refresh_run,
        lambda: {"finished_at": datetime.now(UTC) - timedelta(hours=1)},
        "grid_refresh_runs_finish_after_start",
    ),
    (
        "refresh unknown trigger",
        f.make_refresh_run,
        {"triggered_by": "cron"},
        "grid_refresh_runs_trigger_valid",
    ),
    (
        "refresh negative duration",
        f.make_refresh_run,
        {"duration_ms": -1},
        "grid_refresh_runs_figures_not_negative",
    ),
    # content_engagement
    (
        "event unknown interaction",
        f.make_engagement,
        {"interaction_type": "like"},
        "content_engagement_interaction_type_valid",
    ),
    # The event trigger (prepare_event) runs before the CHECK constraints: content of a type
    # that does not exist is refused as content that does not exist.
    (
        "event unknown content type",
        f.make_engagement,
        {"content_type": "podcast", "content_id": 1},
        "content_engagement_content_exists",
    ),
    (
        "event on missing content",
        f.make_engagement,
        {"content_type": "top_video", "content_id": 987654},
        "content_engagement_content_exists",
    ),
    (
        "event on hidden content",
        f.make_engagement,
        lambda: {"content_type": "trending_topic", "content_id": f.make_topic(is_active=False).id},
        "content_engagement_content_exists",
    ),
    (
        "event sentiment on a view",
        f.make_engagement,
        {"sentiment": "positive"},
        "content_engagement_sentiment_only_comment_reaction",
    ),
    (
        "event unknown sentiment",
        f.make_engagement,
        {"interaction_type": "reaction", "sentiment": "ecstatic"},
        "content_engagement_sentiment_valid",
    ),
    (
        "event sentiment score 1.5",
        f.make_engagement,
        {
            "interaction_type": "reaction",
            "sentiment": "positive",
            "sentiment_score": Decimal("1.5"),
        },
        "content_engagement_sentiment_score_range",
    ),
    (
        "event sentiment score without sentiment",
        f.make_engagement,
        {"interaction_type": "reaction", "sentiment_score": Decimal("0.5")},
        "content_engagement_sentiment_score_needs_sentiment",
    ),
    (
        "event comment text on a share",
        f.make_engagement,
        {"interaction_type": "share", "comment_text": "hi"},
        "content_engagement_comment_text_only_comment",
    ),
    (
        "event empty comment",
        f.make_engagement,
        {"interaction_type": "comment", "comment_text": ""},
        "content_engagement_comment_text_length",
    ),
    (
        "event in the future",
        f.make_engagement,
        lambda: {"created_at": datetime.now(UTC) + timedelta(minutes=5)},
        "content_engagement_created_at_not_future",
    ),
    # engagement_rollups, engagement_drops
    (
        "rollup events do not add up",
        f.make_rollup,
        {"events": 5, "views": 1},
        "engagement_rollups_events_add_up",
    ),
    (
        "rollup more sentiments than events",
        f.make_rollup,
        {"positive": 2},
        "engagement_rollups_sentiments_fit",
    ),
    ("drop unknown reason", f.make_drop, {"reason": "spam"}, "engagement_drops_reason_valid"),
    # audit_log
    (
        "audit unknown operation",
        f.make_audit_row,
        {"operation": "MERGE"},
        "audit_log_operation_valid",
    ),
    (
        "audit update without old values",
        f.make_audit_row,
        {"operation": "UPDATE"},
        "audit_log_values_match_operation",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "overrides", "constraint"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_constraint_refuses_bad_row(factory, overrides, constraint):
    """The bad row is refused by exactly the constraint the case names."""
    fields = overrides() if callable(overrides) else dict(overrides)
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        factory(**fields)
    assert refusal_of(excinfo) == constraint


VALID_ROWS = [
    f.make_creator,
    f.make_topic,
    f.make_video,
    f.make_report,
    f.make_crawl,
    f.make_topic_week,
    f.make_video_week,
    f.make_editorial,
    f.make_grid_item,
    f.make_interest,
    f.make_refresh_run,
    f.make_engagement,
    f.make_rollup,
    f.make_drop,
    f.make_audit_row,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", VALID_ROWS, ids=[fn.__name__ for fn in VALID_ROWS])
def test_valid_row_is_stored(factory):
    """A row that breaks no rule is stored and reads back."""
    row = factory()
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_edge_values_pass():
    """Range edges are inside: position 1 and 100, scores 0 and 100, sentiment -1 and 1."""
    f.make_grid_item(
        grid_position=1, engagement_score=Decimal("0"), positive_sentiment_percent=Decimal("100")
    )
    f.make_grid_item(grid_position=100, engagement_score=Decimal("100"), base_score=Decimal("100"))
    f.make_engagement(
        interaction_type="reaction", sentiment="negative", sentiment_score=Decimal("-1")
    )
    f.make_engagement(
        interaction_type="comment",
        sentiment="positive",
        sentiment_score=Decimal("1"),
        comment_text="x" * 5000,
    )
    f.make_interest(interest_tags=[f"t{i}" for i in range(20)])
    f.make_interest(is_active=False, interest_tags=[])
