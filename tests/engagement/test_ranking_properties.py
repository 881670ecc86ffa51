"""SPEC section 4's six ranking properties, proven on the real SQL.

The pure ones call the ranking's own functions in the database (grid_ranked and
grid_rank_reader_weight, grid/sql/) for generated inputs. The others build content with the
factories, insert real events as the API roles do (tests/engagement/readers.py: `anon` or
`authenticated` with claims and `request.headers`), drain the rollup and refresh the grid
(grid.services.grid_refresh), then look at the ranks and positions.

Tests that drain are transactional: the rollup takes only committed transactions, and never the
one it runs in. Their hypothesis examples start from an emptied event log and grid
(`write_path_reset`). The others run each example in a savepoint that is rolled back; inside the
test's transaction now() stands still, so every rank is compared as of one instant.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carnivore.db_context import ANONYMOUS, run_as
from engagement.models import ContentEngagement
from engagement.services import EventInput, engagement_record
from grid.models import BentoGridItem, RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f
from tests.engagement.readers import (
    EVENT_KINDS,
    TOGGLES,
    VOTE_KINDS,
    Event,
    Reader,
    anonymous,
    connect,
    counted_events,
    drain,
    drain_everything,
    drift,
    events_insert,
    record,
    record_here,
    salt_of_today_ensure,
    standing_events,
    votes_of,
    write_path_reset,
)
from tests.engagement.readers import standing as what_stands

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
END_TO_END = settings(PROPERTY, max_examples=20)

# Actions that SPEC 4.1 says never lower an item: every kind but a negative comment or reaction
# (and a neutral reaction, which counts for nothing).
POSITIVE_ACTIONS = [kind for kind, vote in EVENT_KINDS.items() if vote not in (None, "negative")]
NEGATIVE_ACTIONS = [kind for kind, vote in EVENT_KINDS.items() if vote == "negative"]
WEEK = timedelta(days=7)
MAX_WEIGHT = 2**31 - 1  # reader_weight_7d is an integer column

base_scores = st.decimals(min_value=0, max_value=100, places=2)
vote_counts = st.lists(st.integers(0, 10**6), min_size=7, max_size=7)
# Any instant from a year before the reference time to the reference time.
ages = st.integers(0, 365 * 86400 * 10**6).map(lambda us: timedelta(microseconds=us))


def rank_parts(base_score, weight, week_of, as_of) -> dict:
    """The database's parts of a rank_score (grid_ranked)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prior, readers, age_penalty, rank_score FROM grid_ranked(%s, %s, %s, %s)",
            [base_score, weight, week_of, as_of],
        )
        return dict(
            zip(("prior", "readers", "age_penalty", "rank_score"), cursor.fetchone(), strict=True)
        )


def reader_weight(counts) -> int:
    """The database's weight of readers' actions (grid_rank_reader_weight), counts in the order
    of VOTE_KINDS."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT grid_rank_reader_weight(%s, %s, %s, %s, %s, %s, %s)", list(counts))
        return cursor.fetchone()[0]


def weight_of(kinds) -> int:
    """The weight of one reader's actions on one item in one hour, in the order sent
    (readers.votes_of: one vote per kind, a bookmark or reaction only if it stands)."""
    return reader_weight(votes_of(kinds))


def grid_standing(as_of: datetime) -> dict[int, tuple]:
    """Each grid item's (position, reader_weight_7d, rank_score as of `as_of`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.id, g.grid_position, g.reader_weight_7d, r.rank_score"
            " FROM bento_grid_items g"
            " CROSS JOIN LATERAL grid_ranked(g.base_score, g.reader_weight_7d, g.week_of, %s) r",
            [as_of],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def refresh_after_counting_everything() -> None:
    """Drain until every committed event is counted, then refresh the grid."""
    with connect() as conn:
        drain_everything(conn)
    grid_refresh(trigger=RefreshTrigger.COMMAND)


def topic_item(base_score, week_of: date | None) -> BentoGridItem:
    """A topic of that week with its grid row, as the import leaves them."""
    topic = f.make_topic(engagement_score=base_score, last_seen_week=week_of)
    return f.make_grid_item(
        content_id=topic.id,
        content_title=topic.topic_name,
        base_score=base_score,
        week_of=week_of,
    )


def in_this_hour() -> datetime:
    """A moment of the current hour already past: events sent 'now' by one client in one test
    land in one hour, even if the test runs across the turn of the hour."""
    return timezone.now() - timedelta(seconds=1)


class _RollBack(Exception):
    pass


def in_rolled_back_savepoint(fn):
    """Run `fn` in a savepoint that is rolled back: each hypothesis example starts clean."""
    try:
        with transaction.atomic():
            fn()
            raise _RollBack
    except _RollBack:
        pass


# 1. Monotone ---------------------------------------------------------------------------------


@pytest.mark.django_db
@PROPERTY
@given(
    counts=vote_counts,
    kind=st.sampled_from(VOTE_KINDS),
    base_score=base_scores,
    age=ages,
)
def test_one_more_positive_vote_never_lowers_rank_score(counts, kind, base_score, age):
    """For any item, one more vote of any kind but 'negative' never lowers its rank_score."""
    as_of = datetime(2026, 11, 30, 12, tzinfo=UTC)
    week_of = (as_of - age).date()
    more = list(counts)
    more[VOTE_KINDS.index(kind)] += 1
    before = rank_parts(base_score, reader_weight(counts), week_of, as_of)["rank_score"]
    after = rank_parts(base_score, reader_weight(more), week_of, as_of)["rank_score"]
    if kind == "negative":
        assert after <= before
    else:
        assert after >= before
        if reader_weight(counts) >= 0:
            assert after > before


@pytest.mark.django_db
def test_a_negative_vote_may_lower_rank_score():
    """A negative comment or reaction takes points away from an item readers liked."""
    as_of = datetime(2026, 11, 30, 12, tzinfo=UTC)
    liked = [10, 0, 2, 0, 0, 3, 0]
    disliked = [10, 0, 2, 0, 0, 3, 1]
    before = rank_parts(Decimal(50), reader_weight(liked), as_of.date(), as_of)["rank_score"]
    after = rank_parts(Decimal(50), reader_weight(disliked), as_of.date(), as_of)["rank_score"]
    assert after < before


item_states = st.lists(
    st.tuples(base_scores, st.integers(0, 4)),  # (base score, weeks old)
    min_size=2,
    max_size=7,
)
# Earlier readers' actions: (item index, reader index, kind); readers 0-2 anonymous, 3-4 users.
earlier_actions = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 4), st.sampled_from(list(EVENT_KINDS))),
    max_size=25,
)


@pytest.mark.django_db(transaction=True)
@END_TO_END
@given(
    items=item_states,
    earlier=earlier_actions,
    target=st.integers(0, 6),
    action=st.sampled_from(POSITIVE_ACTIONS),
    signed_in=st.booleans(),
)
def test_a_new_readers_positive_action_never_lowers_the_item_or_its_position(
    items, earlier, target, action, signed_in
):
    """One more positive action from a new reader, inserted, drained and refreshed, never lowers
    the item's rank_score or its grid position, and moves no other item's score."""
    write_path_reset()
    today = timezone.now().date()
    # Weeks 8 days apart: no two weeks' ages differ by a multiple of a week, so no exact tie
    # between items of different weeks can flip with the rounding of the time between refreshes.
    grid = [topic_item(base, today - timedelta(days=8 * weeks + 1)) for base, weeks in items]
    users = [f.make_user().id for _ in range(2)]
    readers = [anonymous(0), anonymous(1), anonymous(2), Reader(users[0]), Reader(users[1])]
    when = in_this_hour()
    by_reader = defaultdict(list)
    for item_index, reader_index, (interaction, sentiment) in earlier:
        item = grid[item_index % len(grid)]
        by_reader[reader_index].append(
            Event(item.content_type, item.content_id, interaction, sentiment, when)
        )
    for reader_index, events in by_reader.items():
        record_here(readers[reader_index], events)
    refresh_after_counting_everything()
    as_of = timezone.now() + WEEK
    before = grid_standing(as_of)

    chosen = grid[target % len(grid)]
    newcomer = Reader(f.make_user().id) if signed_in else anonymous(99)
    interaction, sentiment = action
    record_here(
        newcomer, [Event(chosen.content_type, chosen.content_id, interaction, sentiment, when)]
    )
    refresh_after_counting_everything()
    after = grid_standing(as_of)

    position_before, weight_before, score_before = before[chosen.id]
    position_after, weight_after, score_after = after[chosen.id]
    assert weight_after > weight_before  # the new reader's vote counted
    assert score_after >= score_before
    if weight_before >= 0:
        assert score_after > score_before
    assert position_after <= position_before
    others = {item_id: state[1:] for item_id, state in after.items() if item_id != chosen.id}
    assert others == {
        item_id: state[1:] for item_id, state in before.items() if item_id != chosen.id
    }


# 2. No saturation ----------------------------------------------------------------------------


@pytest.mark.django_db
@PROPERTY
@given(
    weights=st.lists(st.integers(0, MAX_WEIGHT), min_size=2, max_size=2, unique=True).map(sorted),
    base_score=base_scores,
    age=ages,
)
def test_more_readers_always_rank_strictly_higher(weights, base_score, age):
    """Whatever the weights a < b (no cap), the item with b ranks strictly above the one with a."""
    as_of = datetime(2026, 11, 30, 12, tzinfo=UTC)
    week_of = (as_of - age).date()
    fewer, more = weights
    assert (
        rank_parts(base_score, more, week_of, as_of)["rank_score"]
        > rank_parts(base_score, fewer, week_of, as_of)["rank_score"]
    )


@pytest.mark.django_db
def test_ten_thousand_readers_outrank_one_thousand():
    """1,000 and 10,000 readers' actions are ten points apart: no saturation, no tie."""
    as_of = datetime(2026, 11, 30, 12, tzinfo=UTC)
    thousand = rank_parts(Decimal(90), 1_000, as_of.date(), as_of)
    ten_thousand = rank_parts(Decimal(10), 10_000, as_of.date(), as_of)
    assert ten_thousand["rank_score"] > thousand["rank_score"]
    assert ten_thousand["readers"] - thousand["readers"] == pytest.approx(10, abs=0.01)


# 3. Fresh ------------------------------------------------------------------------------------


@pytest.mark.django_db
@PROPERTY
@given(
    base_score=base_scores,
    weight=st.integers(0, MAX_WEIGHT),
    ages_=st.lists(ages, min_size=2, max_size=2, unique=True).map(sorted),
)
def test_the_same_item_from_an_older_week_ranks_strictly_lower(base_score, weight, ages_):
    """An item's rank_score decays with the age of its week: older week, strictly lower."""
    as_of = datetime(2026, 11, 30, 12, tzinfo=UTC)
    newer, older = ((as_of - age).date() for age in ages_)
    if newer == older:
        older -= timedelta(days=1)
    assert (
        rank_parts(base_score, weight, older, as_of)["rank_score"]
        < rank_parts(base_score, weight, newer, as_of)["rank_score"]
    )


weeks_of_items = st.tuples(
    st.integers(0, 6),  # the newest week is this many days before today
    st.lists(base_scores, min_size=5, max_size=12),  # the newest week's items
    st.dictionaries(  # older weeks: weeks before the newest -> their items
        st.integers(1, 10), st.lists(base_scores, min_size=1, max_size=12), min_size=1, max_size=5
    ),
)


@pytest.mark.django_db
@PROPERTY
@given(
    weeks=weeks_of_items,
    order=st.randoms(use_true_random=False),
    videos=st.randoms(use_true_random=False),
)
def test_a_new_week_takes_at_least_five_tiles_whatever_order_weeks_arrived_in(weeks, order, videos):
    """With no engagement and no pins, after several weeks' content is created in any order, a
    refresh gives at least 5 of the 7 tiles to the newest week."""
    days_back, newest_scores, older_weeks = weeks
    newest = timezone.now().date() - timedelta(days=days_back)
    content = [(newest, score) for score in newest_scores]
    for weeks_back, scores in older_weeks.items():
        content += [(newest - weeks_back * WEEK, score) for score in scores]
    order.shuffle(content)

    def check():
        crawls = {}
        for week_of, base_score in content:
            if videos.random() < 0.5:
                topic = f.make_topic(engagement_score=base_score, last_seen_week=week_of)
                key = ("trending_topic", topic.id)
            else:
                if week_of not in crawls:
                    crawls[week_of] = f.make_crawl(collected_on=week_of)
                video = f.make_video(engagement_score=base_score)
                f.make_video_week(video=video, crawl=crawls[week_of])
                key = ("top_video", video.id)
            with connection.cursor() as cursor:  # the grid row, as grid_item_sources builds it
                cursor.execute(
                    "INSERT INTO bento_grid_items (content_type, content_id, content_title,"
                    " base_score, week_of, data, is_active)"
                    " SELECT content_type, content_id, content_title, base_score, week_of, data,"
                    " is_active FROM grid_item_sources WHERE content_type = %s AND content_id = %s",
                    list(key),
                )
        grid_refresh(trigger=RefreshTrigger.COMMAND)
        with connection.cursor() as cursor:
            cursor.execute("SELECT week_of FROM homepage_grid ORDER BY slot")
            tiles = [week_of for (week_of,) in cursor.fetchall()]
        assert len(tiles) == min(7, len(content))
        assert tiles.count(newest) >= 5

    in_rolled_back_savepoint(check)


# 4. One reader, one vote ---------------------------------------------------------------------

EVERY_KIND = list(EVENT_KINDS)


def batch_of(item: BentoGridItem, kinds, when: datetime) -> list[Event]:
    return [Event(item.content_type, item.content_id, i, s, when) for i, s in kinds]


def five_hundred_of_every_kind() -> list[tuple[str, str | None]]:
    return [EVERY_KIND[n % len(EVERY_KIND)] for n in range(500)]


def last_of_each(kinds: list) -> list:
    """Each kind once, in the order of its last occurrence in `kinds`."""
    return list(reversed(dict.fromkeys(reversed(kinds))))


@pytest.mark.django_db(transaction=True)
def test_a_500_event_batch_from_one_client_moves_an_item_as_one_event_of_each_kind():
    """Through the events service (the API's path), one anonymous client's 500 events of every
    kind move reader_weight_7d and rank_score exactly as one event of each kind does, sent in
    the order of their last occurrence (of bookmarks, unbookmarks, reactions and unreacts only
    the latest stands)."""
    week_of = timezone.now().date()
    flooded, single = topic_item(Decimal(50), week_of), topic_item(Decimal(50), week_of)
    when = in_this_hour()

    def send(item, kinds, address):
        events = [
            EventInput(item.content_type, item.content_id, i, s, created_at=when) for i, s in kinds
        ]
        with run_as(ANONYMOUS):
            stored = engagement_record(
                events=events, user_id=None, client_address=address, user_agent="Firefox/140.0"
            )
        assert stored.stored == len(events)

    flood = five_hundred_of_every_kind()
    send(flooded, flood, "203.0.113.10")
    send(single, last_of_each(flood), "203.0.113.11")
    refresh_after_counting_everything()
    as_of = timezone.now()
    ranks = grid_standing(as_of)
    assert ranks[flooded.id][1] == ranks[single.id][1] == weight_of(last_of_each(flood))
    assert ranks[flooded.id][2] == ranks[single.id][2]
    flooded.refresh_from_db()
    assert flooded.events_7d == len(what_stands(flood))  # the events that stand, for analytics
    assert (
        ContentEngagement.objects.filter(content_id=flooded.content_id).count() == 500
    )  # every event is still stored


@pytest.mark.django_db(transaction=True)
@END_TO_END
@given(
    kinds=st.lists(st.sampled_from(EVERY_KIND), min_size=1, max_size=500),
    batches=st.integers(1, 3),
)
def test_any_batches_from_one_client_count_each_kind_once(kinds, batches):
    """However many events of whatever kinds one anonymous client sends in an hour, in one or
    several batches, the item gains one vote per kind of action among them, and one for their
    bookmark and their reaction if their latest such event left one standing."""
    write_path_reset()
    item = topic_item(Decimal(40), timezone.now().date())
    client = anonymous(7)
    when = in_this_hour()
    sent = []
    with connect() as conn:
        for n in range(batches):
            record(conn, client, batch_of(item, kinds[n::batches], when))
            sent += kinds[n::batches]
    refresh_after_counting_everything()
    item.refresh_from_db()
    assert (item.reader_weight_7d, item.events_7d) == (weight_of(sent), len(what_stands(sent)))
    assert item.reader_weight_7d == weight_of(last_of_each(sent))


@pytest.mark.django_db(transaction=True)
def test_two_clients_count_twice_and_a_signed_in_reader_counts_by_user_id():
    """Two anonymous clients (another address, or only another user agent) count as two
    readers; a signed-in reader counts once from any address, two users twice from one."""
    week_of = timezone.now().date()
    two_addresses, two_agents, one_user, two_users = (
        topic_item(Decimal(50), week_of) for _ in range(4)
    )
    alice, bob = f.make_user(), f.make_user()
    when = in_this_hour()
    sends = [
        (two_addresses, Reader(address="203.0.113.20")),
        (two_addresses, Reader(address="203.0.113.21")),
        (two_agents, Reader(address="203.0.113.22", user_agent="Firefox/140.0")),
        (two_agents, Reader(address="203.0.113.22", user_agent="Safari/19.0")),
        (one_user, Reader(alice.id, address="203.0.113.23")),
        (one_user, Reader(alice.id, address="192.0.2.99")),
        (two_users, Reader(alice.id, address="203.0.113.24")),
        (two_users, Reader(bob.id, address="203.0.113.24")),
    ]
    with connect() as conn:
        for item, reader in sends:
            record(conn, reader, batch_of(item, EVERY_KIND * 3, when))
    refresh_after_counting_everything()
    weights = {
        item.id: weight
        for item in (two_addresses, two_agents, one_user, two_users)
        for weight in [BentoGridItem.objects.get(id=item.id).reader_weight_7d]
    }
    one = weight_of(EVERY_KIND * 3)
    assert weights == {
        two_addresses.id: 2 * one,
        two_agents.id: 2 * one,
        one_user.id: one,
        two_users.id: 2 * one,
    }


@pytest.mark.django_db(transaction=True)
def test_a_500_event_insert_by_the_anon_role_counts_one_vote_per_kind():
    """A raw INSERT by `anon` with `request.headers` set, as Supabase's REST API makes it, is
    held to the same rule: 500 events, then 500 more, count as one event of each kind (in the
    order of its last occurrence)."""
    item = topic_item(Decimal(50), timezone.now().date())
    when = in_this_hour()
    headers = '{"x-forwarded-for": "203.0.113.30", "user-agent": "curl/8.14.1"}'
    with connect() as conn:
        for _ in range(2):
            with conn.transaction():
                conn.execute("SET LOCAL ROLE anon")
                conn.execute("SELECT set_config('request.jwt.claims', '{\"role\":\"anon\"}', true)")
                conn.execute("SELECT set_config('request.headers', %s, true)", [headers])
                inserted = conn.execute(
                    "INSERT INTO content_engagement"
                    " (content_type, content_id, interaction_type, sentiment, created_at)"
                    " SELECT 'trending_topic', %s, k.interaction, k.sentiment, %s"
                    " FROM generate_series(0, 499) AS n"
                    " JOIN jsonb_to_recordset(%s::jsonb) AS k (i int, interaction text, sentiment text)"
                    "   ON k.i = n %% %s ORDER BY n",
                    [item.content_id, when, _kinds_json(), len(EVERY_KIND)],
                ).rowcount
                assert inserted == 500
    refresh_after_counting_everything()
    item.refresh_from_db()
    sent = [EVERY_KIND[n % len(EVERY_KIND)] for n in range(500)] * 2
    assert (item.reader_weight_7d, item.events_7d) == (weight_of(sent), len(what_stands(sent)))
    assert item.reader_weight_7d == weight_of(last_of_each(sent))


def _kinds_json() -> str:
    return json.dumps(
        [{"i": n, "interaction": i, "sentiment": s} for n, (i, s) in enumerate(EVERY_KIND)]
    )


@pytest.mark.django_db(transaction=True)
def test_a_backdated_batch_from_one_client_moves_an_item_as_one_event_of_each_kind():
    """One anonymous client's batch of 167 views via POST /api/engagement/, each backdated to
    another hour of the last week, moves the item as one view does (SPEC 4.4)."""
    cache.clear()  # the throttle counts live in the cache
    item = topic_item(Decimal(50), timezone.now().date())
    now = timezone.now()
    body = {
        "events": [
            {
                "content_type": item.content_type,
                "content_id": item.content_id,
                "interaction_type": "view",
                "occurred_at": (now - timedelta(hours=hours, minutes=1)).isoformat(),
            }
            for hours in range(167)
        ]
    }
    response = Client().post("/api/engagement/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    refresh_after_counting_everything()
    item.refresh_from_db()
    assert (item.events_7d, item.reader_weight_7d) == (167, reader_weight([1, 0, 0, 0, 0, 0, 0]))


# 4b. Undo: a reader's bookmark and reaction count as their latest -------------------------

TOGGLE_KINDS = [kind for kind in EVENT_KINDS if kind[0] in TOGGLES]
TOGGLE_ACTIONS = [kind for kind in TOGGLE_KINDS if kind[0] in ("bookmark", "reaction")]
UNDO_OF = {"bookmark": ("unbookmark", None), "reaction": ("unreact", None)}


def grid_figures(as_of: datetime) -> dict[int, tuple]:
    """Each grid item's position, every figure the rollup keeps on it, and its rank_score as
    of `as_of`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.id, g.grid_position, g.view_count, g.share_count, g.bookmark_count,"
            " g.events_24h, g.views_24h, g.shares_24h, g.bookmarks_24h, g.positive_24h,"
            " g.events_7d, g.positive_7d, g.reader_weight_7d, g.engagement_score,"
            " g.positive_sentiment_percent, r.rank_score"
            " FROM bento_grid_items g"
            " CROSS JOIN LATERAL grid_ranked(g.base_score, g.reader_weight_7d, g.week_of, %s) r",
            [as_of],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
@END_TO_END
@given(
    items=item_states,
    earlier=earlier_actions,
    target=st.integers(0, 6),
    action=st.sampled_from(TOGGLE_ACTIONS),
    undo_of_nothing_first=st.booleans(),
    drained_between=st.booleans(),
    signed_in=st.booleans(),
)
def test_an_action_then_its_undo_leaves_every_figure_and_position_as_before(
    items, earlier, target, action, undo_of_nothing_first, drained_between, signed_in
):
    """A new reader's bookmark or reaction, then its undo (each its own request, drained in
    between or not; after an undo of nothing or not), leaves every item's figures, rank_score
    and grid position exactly as they were: an undone bookmark does not keep lifting the item,
    and an undo with nothing to undo changes nothing."""
    write_path_reset()
    today = timezone.now().date()
    grid = [topic_item(base, today - timedelta(days=8 * weeks + 1)) for base, weeks in items]
    users = [f.make_user().id for _ in range(2)]
    readers = [anonymous(0), anonymous(1), anonymous(2), Reader(users[0]), Reader(users[1])]
    when = in_this_hour()
    by_reader = defaultdict(list)
    for item_index, reader_index, (interaction, sentiment) in earlier:
        item = grid[item_index % len(grid)]
        by_reader[reader_index].append(
            Event(item.content_type, item.content_id, interaction, sentiment, when)
        )
    for reader_index, events in by_reader.items():
        record_here(readers[reader_index], events)
    refresh_after_counting_everything()
    as_of = timezone.now() + WEEK
    before = grid_figures(as_of)

    chosen = grid[target % len(grid)]
    newcomer = Reader(f.make_user().id) if signed_in else anonymous(99)
    undo = UNDO_OF[action[0]]
    sends = [undo] if undo_of_nothing_first else []
    sends += [action, undo]
    for n, (interaction, sentiment) in enumerate(sends):
        record_here(
            newcomer, [Event(chosen.content_type, chosen.content_id, interaction, sentiment, when)]
        )
        if drained_between and n < len(sends) - 1:
            refresh_after_counting_everything()
    refresh_after_counting_everything()
    assert grid_figures(as_of) == before


toggle_steps = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(TOGGLE_KINDS), st.booleans()),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db(transaction=True)
@END_TO_END
@given(steps=toggle_steps)
def test_each_readers_bookmark_and_reaction_count_as_their_latest(steps):
    """Whatever bookmarks, unbookmarks, reactions and unreacts several readers send, one
    request each, drained at any point between: the item counts each reader's latest of each,
    once. bookmark_count is the readers whose latest is a bookmark (never below 0; bookmark,
    unbookmark, bookmark is 1), the sentiment and reader weight count their latest reaction,
    and every figure equals a recount."""
    write_path_reset()
    item = topic_item(Decimal(40), timezone.now().date())
    users = [f.make_user().id for _ in range(2)]
    readers = [anonymous(0), anonymous(1), Reader(users[0]), Reader(users[1])]
    sent = defaultdict(list)
    salt_of_today_ensure()
    with connect() as conn:
        for reader_index, kind, drain_now in steps:
            record(conn, readers[reader_index], batch_of(item, [kind], None))
            sent[reader_index].append(kind)
            if drain_now:
                drain(conn)
    refresh_after_counting_everything()
    item.refresh_from_db()
    stands = [kind for kinds in sent.values() for kind in what_stands(kinds)]
    assert item.bookmark_count == stands.count(("bookmark", None))
    assert (item.events_7d, item.positive_7d) == (
        len(stands),
        stands.count(("reaction", "positive")),
    )
    assert item.reader_weight_7d == sum(weight_of(kinds) for kinds in sent.values())
    with connect() as conn:
        assert drift(conn) == []


# 5. Explainable ------------------------------------------------------------------------------

# The rollup's columns of readers' votes, in the order of VOTE_KINDS.
ROLLUP_READER_FIELDS = (
    "reader_views",
    "reader_clicks",
    "reader_shares",
    "reader_bookmarks",
    "reader_comments",
    "reader_positive",
    "reader_negative",
)
explained_items = st.lists(
    st.tuples(
        base_scores,
        st.integers(0, 60),  # days old
        st.lists(st.integers(0, 3000), min_size=7, max_size=7),  # readers' votes by kind
    ),
    min_size=1,
    max_size=10,
)


@pytest.mark.django_db
@PROPERTY
@given(items=explained_items)
def test_every_grid_item_carries_parts_that_add_up_to_its_rank_score(items):
    """In homepage_grid and GET /api/grid/, prior + readers - age_penalty = rank_score (within
    rounding), prior = base_score / 10, readers and age as documented, boost 0."""

    def check():
        now = timezone.now()
        for base_score, days_old, votes in items:
            item = topic_item(base_score, now.date() - timedelta(days=days_old))
            f.make_rollup(  # the readers' votes of this hour, as the rollup keeps them
                content_type=item.content_type,
                content_id=item.content_id,
                hour=now.replace(minute=0, second=0, microsecond=0),
                **dict(zip(ROLLUP_READER_FIELDS, votes, strict=True)),
            )
        grid_refresh(trigger=RefreshTrigger.COMMAND)
        caches["homepage"].clear()
        document = Client().get("/api/grid/").json()
        refreshed_at = datetime.fromisoformat(document["refreshed_at"])
        assert len(document["items"]) == min(7, len(items))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, prior, readers, age_penalty, rank_score, score FROM homepage_grid"
            )
            view_rows = {row[0]: row[1:] for row in cursor.fetchall()}
        for shown in document["items"]:
            parts = shown["ranking"]
            stored = BentoGridItem.objects.get(id=shown["id"])
            assert parts["prior"] + parts["readers"] - parts["age_penalty"] == pytest.approx(
                parts["rank_score"], abs=0.0151
            )
            assert shown["score"] == pytest.approx(parts["rank_score"], abs=0.0051)
            assert parts["prior"] == pytest.approx(float(stored.base_score) / 10, abs=0.0051)
            assert parts["readers"] == pytest.approx(
                10 * math.log10(1 + max(stored.reader_weight_7d, 0)), abs=0.0051
            )
            week_start = datetime.combine(stored.week_of, datetime.min.time(), tzinfo=UTC)
            age = max((refreshed_at - week_start).total_seconds(), 0) / WEEK.total_seconds()
            assert parts["age_penalty"] == pytest.approx(10 * age, abs=0.0051)
            assert (parts["boost"], parts["pinned"]) == (0, False)
            assert tuple(float(v) for v in view_rows[shown["id"]]) == pytest.approx(
                (
                    parts["prior"],
                    parts["readers"],
                    parts["age_penalty"],
                    parts["rank_score"],
                    shown["score"],
                )
            )

    in_rolled_back_savepoint(check)


# 6. Exact ------------------------------------------------------------------------------------

# A step of several writers: ("write", connection, reader, events) inserts into that
# connection's open transaction (opening one as that reader if none is open); ("end",
# connection, commit?) commits or rolls it back; ("drain",) runs the rollup on its own
# connection meanwhile. Events: (item, kind, hours ago).
WRITERS = 3
writer_steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("write"),
            st.integers(0, WRITERS - 1),
            st.integers(0, 4),
            st.lists(
                st.tuples(st.integers(0, 3), st.sampled_from(EVERY_KIND), st.integers(0, 200)),
                min_size=1,
                max_size=40,
            ),
        ),
        st.tuples(st.just("end"), st.integers(0, WRITERS - 1), st.booleans()),
        st.tuples(st.just("drain")),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.django_db(transaction=True)
@END_TO_END
@given(steps=writer_steps)
def test_figures_equal_a_recount_after_interleaved_writers(steps):
    """After writers on several connections commit or roll back batches of any kinds, hours
    and readers in any interleaving, with drains in between, one more drain leaves every figure
    equal to a recount (engagement_score_drift is empty), every committed event taken once, and
    those that stand (undone or replaced bookmarks and reactions not) counted once."""
    write_path_reset()
    topics = [f.make_topic() for _ in range(4)]
    users = [f.make_user().id for _ in range(2)]
    readers = [
        anonymous(0),
        anonymous(1),
        Reader(address="203.0.113.40"),
        Reader(users[0]),
        Reader(users[1]),
    ]
    now = timezone.now()
    salt_of_today_ensure()
    writers = [connect() for _ in range(WRITERS)]
    drainer = connect()
    open_as: dict[int, Reader] = {}
    counted = 0
    try:
        for step in steps:
            if step[0] == "write":
                _, w, reader_index, events = step
                conn = writers[w]
                if w not in open_as:
                    open_as[w] = readers[reader_index]
                    identity = open_as[w].identity()
                    conn.execute(
                        "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                        [identity.role, identity.claims_json()],
                    )
                with conn.cursor() as cursor:
                    events_insert(
                        cursor,
                        open_as[w],
                        [
                            Event("trending_topic", topics[t].id, i, s, now - timedelta(hours=h))
                            for t, (i, s), h in events
                        ],
                    )
            elif step[0] == "end":
                _, w, commit = step
                (writers[w].commit if commit else writers[w].rollback)()
                open_as.pop(w, None)
            else:
                counted += drain(drainer)
        for conn in writers:
            conn.commit()
        counted += drain_everything(drainer)
        with drainer.transaction():
            stored = drainer.execute("SELECT count(*) FROM content_engagement").fetchone()[0]
        assert counted == stored  # every committed event taken once
        assert counted_events(drainer) == standing_events(drainer)  # those that stand counted
        assert drift(drainer) == []
    finally:
        for conn in [*writers, drainer]:
            conn.close()
