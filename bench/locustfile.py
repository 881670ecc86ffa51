"""The simulated readers of bench/load.py: locust user classes, run by locust in its own process.

Two kinds of reader, each pausing 5 to 15 s between actions as a person reading would:

- anonymous readers open the homepage (`GET /api/grid/`) and record engagement with its tiles;
- signed-in readers (one reader account and token each) open their personalised homepage
  (`GET /api/grid/personalized/`) and record engagement as themselves.

Opening a page records a "view" of a tile at once (the front end reports it as the tile renders);
later actions click, share or bookmark one of the tiles last seen. Every event names a real item
of the grid just fetched.

bench/load.py passes the readers' tokens in the file named by LOAD_READERS and reads back every
request (time, endpoint, latency, outcome) from the file named by LOAD_REQUESTS: locust's own
percentiles are rounded to whole milliseconds, too coarse for single-digit targets.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path

from locust import FastHttpUser, between, events, task

GRID = "GET /api/grid/"
PERSONAL_GRID = "GET /api/grid/personalized/"
EVENT_ANONYMOUS = "POST /api/engagement/ (anonymous)"
EVENT_SIGNED_IN = "POST /api/engagement/ (signed in)"

_tokens = itertools.cycle(json.loads(Path(os.environ["LOAD_READERS"]).read_text())["tokens"])
_addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))
_requests: list[tuple[float, str, float, int]] = []  # start, name, latency ms, failed
_spawned_at: list[float] = []


@events.request.add_listener
def _remember(name, response_time, exception, start_time=None, **kwargs):
    _requests.append((start_time or time.time(), name, response_time, int(exception is not None)))


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs):
    _spawned_at.append(time.time())


@events.quitting.add_listener
def _write_requests(environment, **kwargs):
    Path(os.environ["LOAD_REQUESTS"]).write_text(
        json.dumps(
            {
                "spawned_at": _spawned_at[0] if _spawned_at else None,
                "requests": _requests,
            }
        )
    )


class Reader(FastHttpUser):
    abstract = True
    wait_time = between(5, 15)
    grid_path = "/api/grid/"
    grid_name = GRID
    event_name = EVENT_ANONYMOUS
    headers: dict[str, str] = {}

    def on_start(self) -> None:
        # Each reader's own address, as the proxy in front of the server reports it
        # (TRUSTED_PROXIES=1): throttles count each reader on their own, as in production.
        self.headers = {**self.headers, "X-Forwarded-For": next(_addresses)}
        self.tiles: list[tuple[str, int]] = []
        self.open_homepage()  # a reader arrives on the homepage

    @task(3)
    def open_homepage(self) -> None:
        with self.client.get(
            self.grid_path, name=self.grid_name, headers=self.headers, catch_response=True
        ) as response:
            try:
                items = response.json()["items"]
            except (ValueError, KeyError, TypeError):
                response.failure(f"not a grid: {response.text[:80]!r}")
                return
            if not items:
                response.failure("empty grid")
                return
        self.tiles = [(item["content_type"], item["content_id"]) for item in items]
        self.record("view")

    @task(1)
    def click_tile(self) -> None:
        self.record("click")

    def record(self, interaction_type: str) -> None:
        if not self.tiles:
            return
        content_type, content_id = random.choice(self.tiles)
        with self.client.post(
            "/api/engagement/",
            name=self.event_name,
            headers=self.headers,
            json={
                "content_type": content_type,
                "content_id": content_id,
                "interaction_type": interaction_type,
            },
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:120]}")


class AnonymousReader(Reader):
    weight = 7


class SignedInReader(Reader):
    weight = 3
    grid_path = "/api/grid/personalized/"
    grid_name = PERSONAL_GRID
    event_name = EVENT_SIGNED_IN

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Token {next(_tokens)}"}
        super().on_start()

    @task(1)
    def keep_tile(self) -> None:
        self.record(random.choice(["bookmark", "share"]))
