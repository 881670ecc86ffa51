"""Every hand-written SQL object has one source file, and the migrated database holds exactly it.

The source files are `<app>/sql/<name>.sql`, listed in `<app>/sql_config.py` (see
carnivore/sql_items.py); migrations carry frozen copies that `makemigrations` writes.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from carnivore.sql_items import MigrationAutodetector, sql_items_in_order, sql_sources_drift

PROJECT_DIR = Path(__file__).resolve().parents[2]
APPS = ("carnivore", "audit", "trending", "grid", "engagement")
DEFINITION = re.compile(
    r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|VIEW|MATERIALIZED\s+VIEW|TYPE|POLICY)\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)",
    re.IGNORECASE,
)


def definitions_in(text: str) -> list[str]:
    """Return the names of the SQL objects that `text` creates (schema `public` left implicit)."""
    return [name.removeprefix("public.") for _kind, name in DEFINITION.findall(text)]


def source_files() -> list[Path]:
    """Return every SQL source file of the apps."""
    return sorted(path for app in APPS for path in (PROJECT_DIR / app / "sql").glob("*.sql"))


def test_each_object_is_defined_in_exactly_one_source_file():
    """No SQL object is created by two source files, and each file is named after what it owns."""
    counts = Counter(name for path in source_files() for name in definitions_in(path.read_text()))
    assert counts, "no SQL source files found"
    assert [name for name, count in counts.items() if count > 1] == []


def test_no_sql_object_is_defined_outside_the_source_files():
    """Application code (outside migrations, tests and benchmarks) creates no SQL object."""
    offenders = []
    for app in APPS:
        for path in (PROJECT_DIR / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found = [
                name
                for name in definitions_in(path.read_text())
                if not name.startswith("%")  # CREATE FUNCTION %s: pgtrigger's own templates
            ]
            if found:
                offenders.append((str(path.relative_to(PROJECT_DIR)), found))
    assert offenders == []


def test_every_source_file_is_a_declared_sql_item():
    """Each file under <app>/sql/ is listed in its app's sql_config.py, and each item has a file."""
    declared = {(app_label, item.name) for app_label, item in sql_items_in_order()}
    files = {(path.parent.parent.name, path.stem) for path in source_files()}
    assert files == declared


@pytest.mark.django_db
def test_database_objects_all_come_from_source_files():
    """Every function, view and policy the migrated database holds is in a source file by name."""
    defined = {
        name.split(".")[-1] for path in source_files() for name in definitions_in(path.read_text())
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname IN ('public', 'app_private') AND p.proname NOT LIKE '%%pgtrigger%%' "
            "UNION SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') "
            "UNION SELECT policyname FROM pg_policies WHERE schemaname = 'public'"
        )
        in_database = {name for (name,) in cursor.fetchall()}
    assert in_database - defined == set()


@pytest.mark.django_db(transaction=True)
def test_migrated_database_holds_exactly_the_source_files():
    """Re-creating every SQL object from its file (after its reverse) changes nothing in the
    catalog: the last migration left each definition, grant and policy as its file says."""
    assert sql_sources_drift(connection) == {}


@pytest.mark.django_db(transaction=True)
def test_a_changed_source_file_is_noticed(monkeypatch):
    """The drift check fails for a function whose file differs from the migrated definition."""
    items = sql_items_in_order()
    item = next(item for _app_label, item in items if item.name == "is_staff")
    monkeypatch.setattr(item, "sql", item.sql.replace("'auditor'", "'auditor', 'editor'"))
    drift = sql_sources_drift(connection)
    assert list(drift) == ["function app_private.is_staff()"]


def test_makemigrations_notices_a_changed_source_file(monkeypatch):
    """A source file that differs from the migrations' frozen copy is a change for makemigrations
    (so `makemigrations --check` fails in CI until a migration carries the new version)."""

    def changes():
        loader = MigrationLoader(None, ignore_no_migrations=True)
        detector = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(apps))
        return detector.changes(graph=loader.graph)

    assert changes() == {}
    item = next(item for _app_label, item in sql_items_in_order() if item.name == "is_staff")
    monkeypatch.setattr(item, "sql", item.sql + "-- changed\n")
    changed = changes()
    assert list(changed) == ["carnivore"]
    assert [op.name for op in changed["carnivore"][0].operations] == ["is_staff"]
