"""Driving a real browser: Debian's Chromium, headless, through Playwright (a pytest plugin).

The `browser` fixture launches the system's chromium (never a browser Playwright downloads; a
machine without it skips, CI fails: `require_system_tool`). `screenshot()` saves full-page
pictures under var/artifacts/ for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.pgbouncer import require_system_tool

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (never a browser Playwright downloads)."""
    chromium = require_system_tool("chromium")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM, used by the test
    # around the browser steps, would otherwise refuse to run beside it.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
