"""Fixtures of the back-office tests (the staff groups' permissions, people, a clean cache) and
the POSTs of the change lists' forms."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from grid.models import BentoGridItem
from tests import factories as f


@pytest.fixture(autouse=True)
def _every_test_with_staff_groups(staff_groups):
    """Every back-office test starts with the staff groups' permissions."""


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def editor(db):
    return f.make_editor(username="eddie", first_name="Eddie", last_name="Editor", is_staff=True)


@pytest.fixture
def auditor(db):
    return f.make_auditor(
        username="audrey", first_name="Audrey", last_name="Auditor", is_staff=True
    )


@pytest.fixture
def superuser(db):
    return f.make_user(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


def post_action(client, page: str, action: str, *rows, follow: bool = True):
    """The POST of a change list's action form, for `rows`."""
    data = {"action": action, "_selected_action": [row.pk for row in rows], "index": "0"}
    return client.post(page, data, follow=follow)


def list_edit(*rows: BentoGridItem, **changes) -> dict:
    """The POST of the grid list's Save button, with `changes` ({pk: {field: value}})."""
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    data["_save"] = "Save"
    for n, item in enumerate(rows):
        values = {
            "grid_position": item.grid_position or "",
            "is_pinned": item.is_pinned,
            "is_active": item.is_active,
            **changes.get(str(item.pk), {}),
        }
        data[f"form-{n}-id"] = str(item.pk)
        data[f"form-{n}-grid_position"] = str(values["grid_position"])
        for flag in ("is_pinned", "is_active"):
            if values[flag]:
                data[f"form-{n}-{flag}"] = "on"
    return data
