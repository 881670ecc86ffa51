"""Fixtures of the back-office tests: the staff groups' permissions, people, a clean cache."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.cache import cache

from tests import factories as f

staff_group_permissions = importlib.import_module(
    "carnivore.migrations.0004_staff_group_permissions"
)


@pytest.fixture(autouse=True)
def staff_groups(db):
    """The groups with their permissions, as the migration leaves them (a transactional test
    before this one may have flushed them)."""
    staff_group_permissions.add_group_permissions(apps)


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
