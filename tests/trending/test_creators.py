"""Creators that mean something (`trending/weekly_import/creator_reach.py`, the creator endpoints).

Focus areas from the specialty of the real `creator_bios.json` and the tags of the creators'
videos; appearances and views from the real crawls and `channel_rankings.json`; recommended
creators by shared focus areas, then appearances, then views; the creator list by appearances,
then views; subscriber counts null, as the files carry none.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditLog
from tests import factories as f
from tests.conftest import manage
from trending.models import Creator
from trending.weekly_import.creator_reach import specialty_focus_areas
from trending.weekly_import.run import weekly_import

pytestmark = pytest.mark.django_db

REAL_CRAWLS = [
    "2026-06-05_2a60c5c8.json",
    "2026-07-12_006938b1.json",
    "2026-07-26_6a251a0f.json",
    "2026-08-19_bb6c34c8.json",
]


@pytest.fixture
def real_creators(shared_data):
    """The four valid real crawls, creator_bios.json and channel_rankings.json, imported."""
    weekly_import(
        youtube=[shared_data / "youtube" / name for name in REAL_CRAWLS],
        bios=shared_data / "creator_bios.json",
        rankings=shared_data / "channel_rankings.json",
    )


def recommended_for(client, interests: list[str]) -> list[tuple[str, int, int, int]]:
    """Sign a new reader in, save `interests` through the API, and return their recommended
    creators: name, shared focus areas, appearances, views."""
    client.force_login(f.make_user())
    saved = client.put(
        "/api/me/interests/", {"interests": interests}, content_type="application/json"
    )
    assert saved.status_code == 200, saved.json()
    response = client.get("/api/creators/recommended/")
    assert response.status_code == 200
    return [
        (c["creator_name"], c["shared_focus_areas"], c["appearances"], c["total_views"])
        for c in response.json()["results"]
    ]


SPECIALTIES = {
    "Science & neurology": ["science", "neurology"],
    "Budget & meal prep": ["budget", "mealprep", "meal", "prep"],
    "Homesteading & nose-to-tail": ["homesteading", "nosetotail"],
    "Metabolic health & family medicine": [
        "metabolichealth",
        "metabolic",
        "health",
        "familymedicine",
        "family",
        "medicine",
    ],
    "Keto, fasting and the gut": ["keto", "fasting", "thegut", "gut"],
    "Carnivore / Keto": ["carnivore", "keto"],
    "": [],
}


@pytest.mark.parametrize(("specialty", "areas"), SPECIALTIES.items(), ids=list(SPECIALTIES))
def test_specialty_focus_areas(specialty, areas):
    """A specialty gives each area it lists as one tag, then each word of a longer area."""
    assert specialty_focus_areas(specialty) == areas


def test_real_focus_areas_are_the_specialty_then_the_videos_most_used_tags(real_creators):
    """Real focus areas: the specialty's areas, then the tags on most of the creator's videos."""
    gal = Creator.objects.get(creator_name="Steak and Butter Gal")
    # Her 13 videos of July 12: ten tags on 7 of them each, then fewer.
    assert gal.focus_areas == [
        "budget",
        "mealprep",
        "meal",
        "prep",
        "asian",
        "carnivore",
        "carnivorediet",
        "chinese",
        "exvegan",
        "ketodiet",
        "ketovore",
        "loseweight",
        "weightloss",
        "zerocarb",
    ]
    # A profile whose creator's videos carry no tags: the specialty alone.
    assert Creator.objects.get(creator_name="Laura Spath").focus_areas == ["lifestyle", "community"]


def test_real_appearances_and_views(real_creators):
    """Real appearances (crawls, or the leaderboard when higher) and views; no subscriber count."""
    figures = {
        c.creator_name: (c.appearances, c.total_views, c.average_views_per_video)
        for c in Creator.objects.filter(
            creator_name__in=["Shawn Baker MD", "Laura Spath", "Steak and Butter Gal"]
        )
    }
    assert figures == {
        # listed by 3 of the crawls here; the leaderboard counts 4 (the invalid July 5 crawl too)
        "Shawn Baker MD": (4, 412655, 34388),
        # 3 crawls, and 3 on the leaderboard
        "Laura Spath": (3, 196671, 24584),
        # one crawl, 13 videos: the crawl's total_views_week for her
        "Steak and Butter Gal": (1, 1968377, 151414),
    }
    assert not Creator.objects.filter(subscriber_count__isnull=False).exists()


def test_real_reader_of_neurology_is_recommended_the_science_and_neurology_creator(
    client, real_creators
):
    """A reader of "neurology" is recommended the "Science & neurology" creator first."""
    assert recommended_for(client, ["neurology"]) == [
        ("Anthony Chaffee MD", 1, 1, 180065),
        ("The Human Condition", 1, 1, 16462),
    ]


def test_real_reader_of_meal_prep_is_recommended_the_budget_and_meal_prep_creator(
    client, real_creators
):
    """Interested in "Meal prep": the creator whose specialty is "Budget & meal prep"."""
    assert recommended_for(client, ["Meal prep"]) == [("Steak and Butter Gal", 1, 1, 1968377)]


def test_real_recommendations_by_shared_areas_then_appearances_then_views(client, real_creators):
    """Shared focus areas first, then appearances, then views, on the real creators."""
    assert recommended_for(client, ["carnivore", "#Neurology"]) == [
        ("Anthony Chaffee MD", 2, 1, 180065),
        ("Shawn Baker MD", 1, 4, 412655),
        ("Jenny Mitich", 1, 4, 281603),
        ("Dr. Tony Hampton - The Metabolic Health Doc", 1, 3, 126769),
        ("Carnivore Quest", 1, 3, 94240),
        ("Steak and Butter Gal", 1, 1, 1968377),
        ("The Human Condition", 1, 1, 16462),
    ]


def test_real_creator_list_by_appearances_then_views_with_unknown_subscribers(
    client, real_creators
):
    """GET /api/creators/ lists real creators by appearances, then views; subscriber_count null."""
    body = client.get("/api/creators/?page_size=100").json()
    first = [(c["creator_name"], c["appearances"], c["total_views"]) for c in body["results"][:8]]
    assert first == [
        ("Emmathecarnivore", 5, 210705),
        ("Ketogenic Woman", 5, 14355),
        ("Shawn Baker MD", 4, 412655),
        ("Jenny Mitich", 4, 281603),
        ("Meet Carnivore", 4, 106122),
        ("Carnivore Rx", 4, 34317),
        ("HomeSteadHow", 3, 525171),
        ("Laura Spath", 3, 196671),
    ]
    assert body["count"] == 280
    assert {c["subscriber_count"] for c in body["results"]} == {None}


def test_reach_is_recomputed_only_when_it_changes(real_creators, shared_data):
    """Importing the same files again leaves every creator as it was (no write at all)."""
    before = list(Creator.objects.order_by("pk").values())

    summary = weekly_import(
        youtube=[shared_data / "youtube" / name for name in REAL_CRAWLS],
        bios=shared_data / "creator_bios.json",
        rankings=shared_data / "channel_rankings.json",
    )

    assert (summary.counts["creators"].updated, summary.counts["creators"].unchanged) == (0, 280)
    assert list(Creator.objects.order_by("pk").values()) == before


def test_a_new_leaderboard_updates_appearances_with_one_audit_row_each(real_creators, write_file):
    """A new leaderboard changes appearances; each creator changed is audited once, not twice."""
    audited = AuditLog.objects.count()
    board = {"leaderboard": [{"name": "Laura Spath", "rank": 1, "appearances": 9}]}

    summary = weekly_import(rankings=write_file(board, "channel_rankings.json"))

    appearances = dict(Creator.objects.values_list("creator_name", "appearances"))
    assert (appearances["Laura Spath"], appearances["Shawn Baker MD"]) == (9, 3)
    # Laura Spath's leaderboard entry changed (3 -> 9) and nine creators left the leaderboard:
    # Shawn Baker MD falls back to the 3 crawls that listed him.
    assert summary.counts["creators"].updated == 10
    assert AuditLog.objects.count() == audited + 10


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("appearances", "creators_appearances_not_negative"),
        ("total_views", "creators_total_views_not_negative"),
    ],
)
def test_negative_reach_is_refused_by_its_constraint(field, constraint):
    """A negative appearance count or view total is refused by the constraint named for it."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        f.make_creator(**{field: -1})
    assert caught.value.__cause__.diag.constraint_name == constraint


@pytest.mark.slow
def test_migration_makes_stored_zero_subscribers_unknown_and_fills_reach(scratch_database):
    """The migration turns stored zero subscriber counts into NULL and fills appearances, views."""
    url = scratch_database.replace("postgres://", "postgresql://", 1)
    manage("migrate", "--no-input", database_url=scratch_database)
    manage("migrate", "trending", "0005_videos_last_seen_week", database_url=scratch_database)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO creators (creator_name, subscriber_count, full_data) VALUES"
            " ('Unknown', 0, '{}'), ('Known', 5000, '{\"ranking\": {\"appearances\": 1}}'),"
            " ('Ranked', 0, '{\"ranking\": {\"appearances\": 7}}')"
        )
        conn.execute(
            "INSERT INTO youtube_crawls (collected_on, collected_at) VALUES"
            " ('2026-07-12', '2026-07-12T09:00Z'), ('2026-07-26', '2026-07-26T09:00Z')"
        )
        conn.execute(
            "INSERT INTO top_videos (video_id, title, creator_id, views)"
            " SELECT v.video_id, v.video_id, c.id, v.views FROM creators c,"
            " (VALUES ('a', 100), ('b', 301)) AS v (video_id, views) WHERE c.creator_name = 'Known'"
        )
        conn.execute(
            "INSERT INTO top_video_weeks (video_id, crawl_id, rank, engagement_score)"
            " SELECT v.id, w.id, 1, 50 FROM top_videos v, youtube_crawls w"
        )

    manage("migrate", "trending", database_url=scratch_database)

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT creator_name, subscriber_count, appearances, total_views,"
            " average_views_per_video FROM creators ORDER BY creator_name"
        ).fetchall()
    assert rows == [
        ("Known", 5000, 2, 401, 201),
        ("Ranked", None, 7, 0, 0),
        ("Unknown", None, 0, 0, 0),
    ]
