"""The Content-Security-Policy (django-csp): every page carries it, and the back office's pages
and the Swagger UI load only what it allows (same-origin script and style files, nothing
inline). tests/admin/test_browser.py loads the same pages in Chromium and finds no violation."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from grid.models import RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: https://i.ytimg.com",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PAGES = [
    "/admin/",
    "/admin/dashboard/",
    "/admin/grid/bentogriditem/",
    "/admin/grid/bentogriditem/preview/",
    "/admin/grid/bentogriditem/{item}/change/",
    "/admin/trending/trendingtopic/add/",
    "/admin/audit/auditlog/",
    "/admin/audit/auditlog/{entry}/change/",
    "/admin/carnivore/user/add/",
    "/admin/authtoken/tokenproxy/add/",
    "/admin/password_change/",
    "/api/docs/",
]


class InlineCode(HTMLParser):
    """Collects what a page would run or apply that is not a same-origin file."""

    def __init__(self):
        super().__init__()
        self.script_sources: list[str] = []
        self.refused: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type", "text/javascript") == "text/javascript":
            source = attributes.get("src")
            if source is None:
                self._in_inline_script = True
            else:
                self.script_sources.append(source)
        if tag == "style":
            self.refused.append("<style> element")
        stylesheet = tag == "link" and attributes.get("rel") == "stylesheet"
        if stylesheet and not _same_origin(attributes.get("href", "")):
            self.refused.append(f"stylesheet {attributes.get('href')}")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.refused.append(f'{tag} {name}="{value}"')
            if value and value.strip().lower().startswith("javascript:"):
                self.refused.append(f'{tag} {name}="{value}"')

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.refused.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def policy_of(response) -> dict[str, str]:
    """The response's Content-Security-Policy, directive by directive."""
    directives = response.headers["Content-Security-Policy"].split(";")
    return dict(directive.strip().split(" ", 1) for directive in directives)


def _same_origin(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


@pytest.fixture
def boss_client(client, db):
    client.force_login(f.make_user(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def urls(db) -> list[str]:
    from audit.models import AuditLog

    topic = f.make_topic()
    item = f.make_grid_item(content_id=topic.id, content_title=topic.topic_name)
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    entry = AuditLog.objects.filter(table_name="bento_grid_items").latest("id")
    return [page.format(item=item.pk, entry=entry.pk) for page in PAGES]


def test_pages_load_only_same_origin_files_under_the_policy(boss_client, urls):
    """Each page answers 200 with the policy, its scripts are files of this site (allowed by
    script-src 'self'), and it has no inline script, style or event handler to be refused."""
    for url in urls:
        response = boss_client.get(url)
        assert response.status_code == 200, url
        assert policy_of(response) == POLICY, url
        page = InlineCode()
        page.feed(response.content.decode())
        assert page.refused == [], url
        assert page.script_sources, url
        assert all(_same_origin(source) for source in page.script_sources), url


def test_the_swagger_ui_start_up_script_is_a_file_of_this_site(boss_client, db):
    """/api/docs/ loads its start-up script from /api/docs/?script=, JavaScript that reads the
    schema from this site."""
    page = InlineCode()
    page.feed(boss_client.get("/api/docs/").content.decode())
    start_up = next(source for source in page.script_sources if "script=" in source)

    response = boss_client.get(start_up)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


def test_the_sign_in_page_and_the_api_carry_the_policy(client, db):
    """Anonymous pages and API answers carry the same policy."""
    for url in ("/admin/login/", "/api/trending/", "/healthz"):
        assert policy_of(client.get(url)) == POLICY, url
