"""GET /api/trending/, /api/trending/<slug>/, /api/videos/, /api/creators/, /api/creators/recommended/,
the analytics endpoints, and the SQL function calculate_trending_topics()."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from tests import factories as f


@pytest.fixture
def weeks(db):
    """Two weekly reports; "Budget Carnivore" trends in both, one topic is hidden."""
    april, august = (
        f.make_report(week_of=date(2026, 4, 19)),
        f.make_report(week_of=date(2026, 8, 19)),
    )
    budget = f.make_topic(
        topic_slug="budget-carnivore",
        topic_name="Budget Carnivore",
        engagement_score=80,
        last_seen_week=august.week_of,
    )
    ldl = f.make_topic(
        topic_slug="ldl",
        topic_name="LDL Cholesterol",
        engagement_score=90,
        last_seen_week=august.week_of,
    )
    hidden = f.make_topic(
        topic_slug="hidden", topic_name="Hidden", is_active=False, last_seen_week=august.week_of
    )
    f.make_topic_week(topic=budget, report=april, rank=1, engagement_score=100)
    f.make_topic_week(topic=budget, report=august, rank=2, engagement_score=80)
    f.make_topic_week(topic=ldl, report=august, rank=1, engagement_score=90)
    f.make_topic_week(topic=hidden, report=august, rank=3, engagement_score=70)
    return {"april": april, "august": august, "budget": budget, "ldl": ldl, "hidden": hidden}


def test_trending_lists_the_latest_weeks_topics_by_rank(client, weeks):
    """/api/trending/ lists the latest week's active topics by rank, with that week's scores."""
    body = client.get("/api/trending/").json()
    assert body["week_of"] == "2026-08-19"
    assert [(t["rank"], t["topic"]["topic_slug"], t["week_score"]) for t in body["topics"]] == [
        (1, "ldl", 90.0),
        (2, "budget-carnivore", 80.0),
    ]


def test_trending_for_another_week(client, weeks):
    """?week= picks a stored week; a week without a report is a 404, a bad date names week."""
    body = client.get("/api/trending/?week=2026-04-19").json()
    assert [t["topic"]["topic_slug"] for t in body["topics"]] == ["budget-carnivore"]
    assert client.get("/api/trending/?week=2026-01-01").status_code == 404
    assert "week" in client.get("/api/trending/?week=April").json()


def test_a_topic_comes_with_its_weekly_history(client, weeks):
    """A topic's page has its rank and score for each week; an unknown slug is 404."""
    body = client.get("/api/trending/budget-carnivore/").json()
    assert body["topic_name"] == "Budget Carnivore"
    assert body["history"] == [
        {"week_of": "2026-04-19", "rank": 1, "engagement_score": 100.0},
        {"week_of": "2026-08-19", "rank": 2, "engagement_score": 80.0},
    ]
    assert client.get("/api/trending/no-such-topic/").status_code == 404


def test_hidden_topics_are_hidden_from_readers_but_not_editors(client, weeks):
    """An inactive topic is 404 for readers and shown to editors."""
    assert client.get("/api/trending/hidden/").status_code == 404
    client.force_login(f.make_editor())
    assert client.get("/api/trending/hidden/").status_code == 200


def test_videos_list_active_ones_best_first_with_filters(client, db):
    """Videos: active ones best first, filtered by creator and by week, each naming its creator."""
    creator, other = f.make_creator(), f.make_creator()
    good = f.make_video(creator=creator, engagement_score=90)
    fine = f.make_video(creator=other, engagement_score=50)
    f.make_video(creator=creator, engagement_score=99, is_active=False)
    crawl = f.make_crawl(collected_on=date(2026, 8, 19))
    f.make_video_week(video=fine, crawl=crawl)
    assert [v["id"] for v in client.get("/api/videos/").json()["results"]] == [good.id, fine.id]
    assert [v["id"] for v in client.get(f"/api/videos/?creator={other.id}").json()["results"]] == [
        fine.id
    ]
    assert [v["id"] for v in client.get("/api/videos/?week=2026-08-19").json()["results"]] == [
        fine.id
    ]
    assert client.get("/api/videos/?creator=x").status_code == 400
    assert client.get("/api/videos/").json()["results"][0]["creator"] == {
        "id": creator.id,
        "creator_name": creator.creator_name,
    }


@pytest.mark.parametrize("page", ["abc", "0", "-1", "", "last", "1.5"])
def test_a_page_that_is_not_a_page_number_gets_400_naming_it(client, db, page):
    """A page that is not a positive whole number gets a 400 naming page."""
    response = client.get("/api/creators/", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json(), response.json()


def test_a_page_past_the_last_gets_404(client, db):
    """A page past the last one gets a JSON 404."""
    f.make_creator()
    assert client.get("/api/creators/", {"page": 1}).status_code == 200
    response = client.get("/api/creators/", {"page": 2})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize("query", ["week=", "week=2026-8-1x", "creator=", "creator=0"])
def test_bad_video_filters_get_400_naming_them(client, db, query):
    """An empty or malformed video filter gets a 400 naming that filter."""
    response = client.get(f"/api/videos/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json(), response.json()


def test_a_slug_no_route_takes_gets_a_json_404(client, db):
    """A topic URL whose slug no route matches gets a JSON 404, not an HTML page."""
    response = client.get("/api/trending/caf%C3%A9/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_creators_by_appearances_then_views_and_recommended_by_shared_focus(client, db):
    """Creators list by appearances then views; recommended by shared areas, appearances, views."""
    few = f.make_creator(appearances=2, total_views=10, focus_areas=["budget", "recipes"])
    most = f.make_creator(appearances=5, total_views=1, focus_areas=["science"])
    both = f.make_creator(appearances=2, total_views=500, focus_areas=["budget", "science"])
    seen = f.make_creator(appearances=2, total_views=499, focus_areas=["budget"])
    f.make_creator(appearances=9, subscriber_count=10**6, focus_areas=["budget"], is_active=False)
    f.make_creator(appearances=0, subscriber_count=10**6, focus_areas=[])
    listed = client.get("/api/creators/").json()["results"]
    assert [c["id"] for c in listed][:4] == [most.id, both.id, seen.id, few.id]
    assert len(listed) == 5

    assert client.get("/api/creators/recommended/").status_code == 401
    reader = f.make_user()
    f.make_interest(user=reader, interest_tags=["budget", "science"])
    client.force_login(reader)
    recommended = client.get("/api/creators/recommended/").json()["results"]
    assert [(c["id"], c["shared_focus_areas"]) for c in recommended] == [
        (both.id, 2),
        (most.id, 1),
        (seen.id, 1),
        (few.id, 1),
    ]


def test_unknown_subscriber_count_is_null(client, db):
    """A creator whose subscriber count is unknown shows null, not 0; a known one shows it."""
    unknown = f.make_creator()
    known = f.make_creator(subscriber_count=0)
    counts = {
        c["id"]: c["subscriber_count"] for c in client.get("/api/creators/").json()["results"]
    }
    assert counts == {unknown.id: None, known.id: 0}


def test_creator_fields_are_documented(client, db):
    """The OpenAPI schema says subscriber_count is nullable and explains the reach fields."""
    schema = client.get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["CreatorOut"]["properties"]
    assert fields["subscriber_count"]["nullable"] is True
    assert "no subscriber counts" in fields["subscriber_count"]["description"]
    assert "crawls" in fields["appearances"]["description"]
    assert "meal prep" in fields["focus_areas"]["description"]
    assert "latest view count" in fields["total_views"]["description"]


def test_no_interests_means_no_recommendations(client, db):
    """A reader without interests gets no recommended creators."""
    f.make_creator(focus_areas=["budget"])
    client.force_login(f.make_user())
    assert client.get("/api/creators/recommended/").json()["results"] == []


def test_calculate_trending_topics_ranks_the_weeks_best_five(db):
    """calculate_trending_topics() ranks the five best active topics seen in the last seven days."""
    today = date.today()
    for n, (score, weeks_ago) in enumerate(
        [(50, 0), (90, 0), (90, 1), (70, 0), (10, 0), (99, 2), (60, 0), (95, 0)]
    ):
        f.make_topic(
            topic_slug=f"t{n}",
            engagement_score=Decimal(score),
            last_seen_week=today - timedelta(days=7 * weeks_ago),
            is_active=score != 95,
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT rank, topic_slug, engagement_score FROM calculate_trending_topics()")
        rows = cursor.fetchall()
    # t5 is too old, t7 inactive; t1 and t2 tie on score, the more recent week wins.
    assert rows == [
        (1, "t1", Decimal("90.00")),
        (2, "t3", Decimal("70.00")),
        (3, "t6", Decimal("60.00")),
        (4, "t0", Decimal("50.00")),
        (5, "t4", Decimal("10.00")),
    ]


def test_analytics_topics_by_week_and_creator_performance_are_public(client, weeks):
    """Topics by week and creator performance are public; a creator's totals and averages add up."""
    rows = client.get("/api/analytics/topics-by-week/").json()["results"]
    assert [(r["week_of"], r["rank"], r["topic_slug"]) for r in rows] == [
        ("2026-08-19", 1, "ldl"),
        ("2026-08-19", 2, "budget-carnivore"),
        ("2026-04-19", 1, "budget-carnivore"),
    ]
    creator = f.make_creator()
    f.make_video(creator=creator, views=100, engagement_score=40)
    f.make_video(creator=creator, views=300, engagement_score=60)
    (row,) = [
        r
        for r in client.get("/api/analytics/creators/").json()["results"]
        if r["creator_id"] == creator.id
    ]
    assert (row["videos"], row["total_views"], row["average_views"], row["average_score"]) == (
        2,
        400,
        200,
        50.0,
    )


def test_creator_performance_counts_a_video_in_two_crawls_once(client, db):
    """A video listed by two crawls adds its views once; weeks_seen counts both crawls."""
    creator = f.make_creator()
    twice = f.make_video(creator=creator, views=100, engagement_score=40)
    once = f.make_video(creator=creator, views=300, engagement_score=60)
    june, july = f.make_crawl(), f.make_crawl()
    f.make_video_week(video=twice, crawl=june)
    f.make_video_week(video=twice, crawl=july)
    f.make_video_week(video=once, crawl=july)
    (row,) = client.get("/api/analytics/creators/").json()["results"]
    assert (row["videos"], row["total_views"], row["average_views"], row["weeks_seen"]) == (
        2,
        400,
        200,
        2,
    )
    assert row["subscriber_count"] is None


def test_user_engagement_summary_is_for_staff(client, db):
    """The per-reader engagement summary: 401 anonymous, 403 for a reader, counts for staff."""
    topic = f.make_topic()
    reader = f.make_user()
    for kind in ("view", "view", "share"):
        f.make_engagement(
            content_type="trending_topic", content_id=topic.id, user=reader, interaction_type=kind
        )
    assert client.get("/api/analytics/users/").status_code == 401
    client.force_login(reader)
    assert client.get("/api/analytics/users/").status_code == 403
    client.force_login(f.make_auditor())
    (row,) = client.get("/api/analytics/users/").json()["results"]
    assert (row["user_id"], row["events"], row["views"], row["shares"]) == (str(reader.id), 3, 2, 1)
