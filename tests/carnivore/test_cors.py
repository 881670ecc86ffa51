"""CORS: the frontend's origins (CORS_ALLOWED_ORIGINS) may call the API from a browser; no other
origin gets CORS headers, and none does while the setting is empty (its default)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR

FRONTEND = "https://carnivoreweekly.example"


def preflight(client, path: str, origin: str, method: str = "GET", headers: str = ""):
    """The OPTIONS request a browser sends before a cross-origin call."""
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=request_headers)


@pytest.fixture
def frontend_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/api/grid/", "GET", ""),
        ("/api/grid/personalized/", "GET", "authorization"),
        ("/api/engagement/", "POST", "content-type, authorization"),
    ],
)
def test_a_preflight_from_the_frontend_gets_the_cors_headers(
    client, db, frontend_allowed, path, method, headers
):
    """The allowed origin is echoed back with the method and headers it asked for."""
    response = preflight(client, path, FRONTEND, method, headers)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert method in response["Access-Control-Allow-Methods"]
    for header in filter(None, (h.strip() for h in headers.split(","))):
        assert header in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response  # tokens, never cookies


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "http://carnivoreweekly.example", f"{FRONTEND}.evil.example"],
)
def test_a_preflight_from_another_origin_gets_no_cors_headers(client, db, frontend_allowed, origin):
    """Another origin, the frontend's host over another scheme, or a longer host: no headers."""
    response = preflight(client, "/api/engagement/", origin, "POST", "content-type")
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_no_origin_is_allowed_by_default(client, db):
    """With CORS_ALLOWED_ORIGINS unset, even the frontend's origin gets nothing."""
    response = preflight(client, "/api/grid/", FRONTEND)
    assert "Access-Control-Allow-Origin" not in response


def test_the_frontend_reads_the_grid_and_its_etag(client, db, frontend_allowed):
    """A cross-origin GET of the public grid is allowed, ETag readable, and stays public."""
    response = client.get("/api/grid/", headers={"Origin": FRONTEND})
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "public" in response["Cache-Control"]
    assert "origin" in response["Vary"].lower()  # a CDN keeps one copy per origin, not per cookie


def test_the_admin_is_not_open_to_other_origins(client, db, frontend_allowed):
    """Only /api/ takes part in CORS: the admin's pages get no CORS headers."""
    response = client.get("/admin/login/", headers={"Origin": FRONTEND})
    assert "Access-Control-Allow-Origin" not in response


def test_the_allowed_origins_are_read_from_the_environment():
    """CORS_ALLOWED_ORIGINS, a comma-separated list in the environment, reaches the settings."""
    origins = [FRONTEND, "https://www.carnivoreweekly.example"]
    env = {
        **os.environ,
        "CORS_ALLOWED_ORIGINS": ",".join(origins),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/unused",  # parsed, never connected to
    }
    program = "import json, carnivore.settings as s; print(json.dumps(s.CORS_ALLOWED_ORIGINS))"
    read = subprocess.run(
        [sys.executable, "-c", program],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(read.stdout) == origins
