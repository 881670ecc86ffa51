"""Schedules are registered idempotently, and a job never runs twice at once."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django_q.models import Schedule

from carnivore.jobs import SCHEDULES, schedules_missing, schedules_register, single_flight


@pytest.mark.django_db
def test_registering_twice_creates_nothing_new(capsys):
    """Registering the schedules again, by function or command, changes no row and adds none."""
    assert schedules_missing() == [spec.name for spec in SCHEDULES]
    assert schedules_register() == [spec.name for spec in SCHEDULES]
    snapshot = list(Schedule.objects.order_by("id").values())
    assert schedules_register() == []
    call_command("register_schedules")
    assert "unchanged" in capsys.readouterr().out
    assert list(Schedule.objects.order_by("id").values()) == snapshot
    assert schedules_missing() == []
    refresh = Schedule.objects.get(name="refresh_bento_grid")
    assert (refresh.schedule_type, refresh.cron, refresh.func) == (
        "C",
        "0 * * * *",
        "grid.tasks.refresh_bento_grid",
    )
    assert Schedule.objects.get(name="deliver_trending_alerts").minutes == 1


@pytest.mark.django_db
def test_a_changed_schedule_is_put_back():
    """A schedule changed by hand is corrected by the next registration, which names it alone."""
    schedules_register()
    Schedule.objects.filter(name="ensure_partitions").update(cron="* * * * *")
    assert schedules_register() == ["ensure_partitions"]


@pytest.mark.django_db(transaction=True)
def test_a_job_already_running_is_skipped():
    """A single_flight job called while another run of it is in progress is skipped."""
    started, release = threading.Event(), threading.Event()
    runs = []

    @single_flight("test-job")
    def job(name):
        runs.append(name)
        started.set()
        release.wait(10)
        return name

    first = threading.Thread(target=lambda: job("first"))
    first.start()
    assert started.wait(10)
    assert job("second") == {"skipped": "already running"}
    release.set()
    first.join(10)
    assert job("third") == "third"
    assert runs == ["first", "third"]
    connection.close()
