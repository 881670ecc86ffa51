"""Settings that protect a deployment: HTTPS on a real host name (redirect, HSTS, Secure
cookies, behind a proxy too), `check --deploy` clean with production settings, and the
generated secret key's file mode."""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from carnivore.settings import local_secret_key
from tests.conftest import PROJECT_DIR, database_url, manage

HOST = "carnivore.example.com"
YEAR = 365 * 24 * 3600
# Every variable these tests set, removed from the inherited environment first.
HTTPS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def environment(**variables: str) -> dict[str, str]:
    """The test run's environment with only `variables` among the HTTPS settings; the server
    of the test database (settings need one; nothing here connects)."""
    env = {key: value for key, value in os.environ.items() if key not in HTTPS_VARIABLES}
    env["DATABASE_URL"] = database_url(connection.settings_dict, "postgres")
    return {**env, **variables}


def settings_under(**variables: str) -> dict:
    """Load carnivore.settings in a child process under `variables`; return the HTTPS ones."""
    script = (
        "import json, carnivore.settings as s; print(json.dumps({name: getattr(s, name, None)"
        " for name in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE',"
        " 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    child = subprocess.run(
        [sys.executable, "-c", script],
        env=environment(**variables),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.splitlines()[-1])


def https(on: bool, hsts: int = YEAR, proxy_header=None) -> dict:
    return {
        "SECURE_SSL_REDIRECT": on,
        "SECURE_HSTS_SECONDS": hsts if on else 0,
        "SESSION_COOKIE_SECURE": on,
        "CSRF_COOKIE_SECURE": on,
        "SECURE_PROXY_SSL_HEADER": proxy_header,
    }


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        pytest.param({"DEBUG": "false"}, https(False), id="local demo: plain HTTP on localhost"),
        pytest.param({"DEBUG": "false", "ALLOWED_HOSTS": HOST}, https(True), id="a host name"),
        pytest.param({"DEBUG": "true", "ALLOWED_HOSTS": HOST}, https(False), id="debug"),
        pytest.param({"ALLOWED_HOSTS": HOST, "HTTPS": "false"}, https(False), id="HTTPS=false"),
        pytest.param(
            {"ALLOWED_HOSTS": HOST, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
            https(True, proxy_header=["HTTP_X_FORWARDED_PROTO", "https"]),
            id="behind a TLS proxy",
        ),
        pytest.param(
            {"ALLOWED_HOSTS": HOST, "SECURE_HSTS_SECONDS": "3600"},
            https(True, hsts=3600),
            id="HSTS seconds",
        ),
    ],
)
def test_https_is_on_for_a_host_name_unless_debug(variables, expected):
    """Redirect, HSTS and Secure cookies follow one switch, on for a real host name without
    DEBUG, each still settable on its own."""
    assert settings_under(**variables) == expected


def test_check_deploy_is_clean_with_production_settings():
    """`manage.py check --deploy` with DEBUG off, a real secret key and a host name reports
    no issue at all (warnings included)."""
    production = environment(
        DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=HOST
    )

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production, check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_behind_a_tls_proxy_http_is_redirected_and_https_gets_hsts(client, settings, db):
    """With SECURE_PROXY_SSL_HEADER, a request the proxy received over HTTP is redirected to
    HTTPS, and one it received over HTTPS is answered with Strict-Transport-Security; the health
    check answers a load balancer's plain HTTP probe."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = YEAR
    settings.ALLOWED_HOSTS = [HOST]

    def get(path: str, scheme: str):
        return client.get(path, headers={"X-Forwarded-Proto": scheme}, HTTP_HOST=HOST)

    over_http = get("/admin/login/", "http")
    over_https = get("/admin/login/", "https")

    assert over_http.status_code == 301
    assert over_http.headers["Location"] == f"https://{HOST}/admin/login/"
    assert over_https.status_code == 200
    assert over_https.headers["Strict-Transport-Security"] == (
        f"max-age={YEAR}; includeSubDomains; preload"
    )
    assert get("/healthz", "http").status_code == 200


@pytest.fixture
def permissive_umask():
    """A umask that takes nothing away, so that only the mode the code asks for counts."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_the_generated_secret_key_is_owner_only_from_the_start(
    tmp_path, permissive_umask, monkeypatch
):
    """var/secret_key is created with mode 0600 by the call that creates it: no chmod after."""

    def no_chmod(*args, **kwargs):
        raise AssertionError("the key file was created with a wider mode and chmod-ed after")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(Path, "chmod", no_chmod)
    key_file = tmp_path / "var" / "secret_key"

    key = local_secret_key(key_file)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key) >= 50
    assert local_secret_key(key_file) == key  # kept, not regenerated
