"""Every web process serves the same homepage after a refresh, without Redis: two gunicorn
workers share the cached grid (files under var/cache), which the refresh clears for both."""

import json
from decimal import Decimal

import pytest
from django.db import connection

from grid.models import RefreshTrigger
from grid.services import grid_item_pin, grid_refresh
from tests.conftest import database_url
from tests.factories import make_grid_item
from tests.ops.servers import app_environment, http, running_gunicorn

pytestmark = pytest.mark.slow

REQUESTS = 20


def homepages(url: str) -> set[tuple[str, tuple[int, ...]]]:
    """Ask for the public grid REQUESTS times; return each distinct (ETag, item ids) seen."""
    seen = set()
    for _ in range(REQUESTS):
        answer = http("GET", f"{url}/api/grid/")
        assert answer.status == 200
        ids = tuple(item["id"] for item in json.loads(answer.body)["items"])
        seen.add((answer.headers["ETag"], ids))
    return seen


@pytest.mark.django_db(transaction=True)
def test_after_a_refresh_every_process_serves_the_new_grid(tmp_path):
    """Without Redis, 20 requests to 2 gunicorn workers after a refresh all get the new grid and
    one ETag; before it, all got the old one (each worker had filled or read the cache)."""
    items = [
        make_grid_item(base_score=Decimal(score), week_of="2026-11-23")
        for score in range(90, 0, -10)
    ]
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    env = app_environment(database_url(connection.settings_dict, connection.settings_dict["NAME"]))
    with running_gunicorn(env, tmp_path / "gunicorn.log", workers=2) as (url, _):
        before = homepages(url)
        assert len(before) == 1
        ((_, old_ids),) = before
        assert old_ids[0] == items[0].pk

        grid_item_pin(item=items[-1], position=1)  # the weakest item becomes the hero
        grid_refresh(trigger=RefreshTrigger.COMMAND)

        after = homepages(url)
        assert len(after) == 1, after
        ((etag, new_ids),) = after
        assert new_ids[0] == items[-1].pk
        assert etag != next(iter(before))[0]
