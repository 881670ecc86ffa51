"""content_engagement is partitioned by month: rows land in their month, or in DEFAULT."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from engagement.models import ContentEngagement
from engagement.selectors import engagement_partitions
from engagement.services import engagement_partitions_ensure
from tests.factories import make_engagement


@contextmanager
def future_events_allowed():
    """Switch the event trigger (prepare_event, which refuses a future created_at) off inside
    the test's transaction (rolled back); the columns it would set keep their defaults."""
    trigger = next(t for t in ContentEngagement._meta.triggers if t.name == "prepare_event")
    pgid = trigger.get_pgid(ContentEngagement)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE content_engagement DISABLE TRIGGER {pgid}")
        yield
        cursor.execute(f"ALTER TABLE content_engagement ENABLE TRIGGER {pgid}")


def month_start(moment: datetime, months: int = 0) -> datetime:
    """Return midnight UTC on the first day of the month `months` after `moment`'s."""
    index = moment.year * 12 + moment.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition_name(moment: datetime) -> str:
    return f"content_engagement_{moment:%Y_%m}"


def partition_of(event) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM content_engagement WHERE id = %s", [event.id]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_migration_made_this_month_and_next_two():
    """Partitions exist for this month and the next two, plus DEFAULT."""
    now = timezone.now()
    names = [p.name for p in engagement_partitions()]
    assert names[:3] == [partition_name(month_start(now, i)) for i in range(3)]
    assert names[-1] == "content_engagement_default"


@pytest.mark.django_db
def test_rows_land_in_the_partition_of_their_month():
    """This month and next month go to their partitions; an unpartitioned past month to DEFAULT."""
    now = timezone.now()
    this_month = make_engagement(created_at=now - timedelta(seconds=1))
    first_of_month = make_engagement(created_at=month_start(now))
    long_ago = make_engagement(created_at=month_start(now, -7) + timedelta(days=3))
    with future_events_allowed():  # next month's rows cannot be made otherwise
        next_month = make_engagement(created_at=month_start(now, 1) + timedelta(hours=1))
        last_instant = make_engagement(created_at=month_start(now, 3) - timedelta(microseconds=1))
        beyond = make_engagement(created_at=month_start(now, 3))

    assert partition_of(this_month) == partition_name(now)
    assert partition_of(first_of_month) == partition_name(now)
    assert partition_of(next_month) == partition_name(month_start(now, 1))
    assert partition_of(last_instant) == partition_name(month_start(now, 2))
    assert partition_of(long_ago) == "content_engagement_default"
    assert partition_of(beyond) == "content_engagement_default"


@pytest.mark.django_db
def test_maintenance_is_idempotent():
    """Run twice, the maintenance creates the missing month once, then nothing."""
    assert engagement_partitions_ensure(months_ahead=2) == []
    created = engagement_partitions_ensure(months_ahead=3)
    assert created == [partition_name(month_start(timezone.now(), 3))]
    before = engagement_partitions()
    assert engagement_partitions_ensure(months_ahead=3) == []
    assert engagement_partitions() == before


@pytest.mark.django_db
def test_new_partition_takes_its_rows_out_of_default():
    """A month made after its rows arrived takes them over from DEFAULT, ids and all."""
    past = month_start(timezone.now(), -5)
    events = [make_engagement(created_at=past + timedelta(days=d)) for d in (0, 10, 27)]
    outside = make_engagement(created_at=past - timedelta(days=1))
    assert {partition_of(e) for e in events} == {"content_engagement_default"}

    with connection.cursor() as cursor:
        cursor.execute("SELECT engagement_ensure_partitions(0, %s)", [past])
        assert cursor.fetchall() == [(partition_name(past),)]

    assert {partition_of(e) for e in events} == {partition_name(past)}
    assert partition_of(outside) == "content_engagement_default"
