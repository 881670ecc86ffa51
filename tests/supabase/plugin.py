"""The switch for a Supabase-shaped test session; tests/conftest.py loads it as a plugin.

With CARNIVORE_SUPABASE_SHAPED=1 the session's database is prepared by `tests.supabase.shape`
(registered here, after pytest-django, so that its `django_db_setup` is the one used); without
it nothing changes and the tests in `tests/supabase/` skip. CARNIVORE_SUPABASE_SHAPED=no-bypassrls
shapes it the same but for BYPASSRLS, which neither the owner nor service_role then holds (a
self-hosted owner role: FORCEd row-level security binds the owner and its definer functions).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.supabase.shape import SupabaseObjects

ENABLING_VARIABLE = "CARNIVORE_SUPABASE_SHAPED"
# What `tests.supabase.shape` found before the migrations ran, for the tests to compare.
BEFORE_MIGRATIONS: pytest.StashKey[SupabaseObjects] = pytest.StashKey()


WITHOUT_BYPASSRLS = "no-bypassrls"


def supabase_shaped() -> bool:
    """Return whether this test session runs against a Supabase-shaped database."""
    return os.environ.get(ENABLING_VARIABLE) in ("1", WITHOUT_BYPASSRLS)


def supabase_bypassrls() -> bool:
    """Return whether the owner and service_role bypass row-level security, as on Supabase."""
    return os.environ.get(ENABLING_VARIABLE) != WITHOUT_BYPASSRLS


def pytest_configure(config: pytest.Config) -> None:
    if supabase_shaped():
        # Imported here first, so that pytest registers it as a plugin (and rewrites it).
        config.pluginmanager.import_plugin("tests.supabase.shape")


def pytest_ignore_collect(collection_path, config: pytest.Config) -> bool | None:
    """Collect `tests/supabase/` only in a Supabase-shaped session (CI runs one), so that a
    normal run has nothing to skip."""
    if collection_path.name == "supabase" and collection_path.parent.name == "tests":
        return not supabase_shaped() or None
    return None
