"""Migrations build the whole schema on an empty database, undo it completely, and redo it."""

import psycopg
import pytest

from carnivore.staff_groups import staff_permissions_declared
from tests.conftest import manage

# Apps with migrations, dependents before what they depend on.
APPS_NEWEST_FIRST = [
    "engagement",
    "grid",
    "trending",
    "audit",
    "authtoken",
    "admin",
    "django_q",
    "carnivore",
    "sessions",
    "axes",
    "auth",
    "contenttypes",
]


def public_objects(url: str) -> dict[str, set[str]]:
    """Return the tables, views and functions that exist in the public schema."""
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        tables = conn.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')"
        ).fetchall()
        functions = conn.execute(
            "SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public'"
        ).fetchall()
    return {"tables": {t for (t,) in tables}, "functions": {f for (f,) in functions}}


def group_permissions(url: str) -> set[tuple[str, str, str]]:
    """Return the (group, app label, codename) of every staff group's permission."""
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        rows = conn.execute(
            "SELECT g.name, ct.app_label, p.codename FROM auth_group g"
            " JOIN auth_group_permissions gp ON gp.group_id = g.id"
            " JOIN auth_permission p ON p.id = gp.permission_id"
            " JOIN django_content_type ct ON ct.id = p.content_type_id"
        ).fetchall()
    return set(rows)


@pytest.mark.django_db
@pytest.mark.slow
def test_migrate_zero_and_forward_again(scratch_database):
    """Forward, back to zero, forward again: each step succeeds and zero leaves nothing behind."""
    manage("migrate", "--no-input", database_url=scratch_database)
    built = public_objects(scratch_database)
    assert {
        "bento_grid_items",
        "content_engagement",
        "trending_topics",
        "user_interests",
        "creators",
        "top_videos",
        "audit_log",
    } <= built["tables"]
    assert "engagement_ensure_partitions" in built["functions"]
    declared = {
        (group, app_label, codename)
        for group, pairs in staff_permissions_declared().items()
        for app_label, codename in pairs
    }
    assert group_permissions(scratch_database) == declared  # granted at the end of migrate

    for app in APPS_NEWEST_FIRST:
        manage("migrate", app, "zero", "--no-input", database_url=scratch_database)
    emptied = public_objects(scratch_database)
    assert emptied["tables"] == {"django_migrations"}
    assert emptied["functions"] <= {"_pgtrigger_should_ignore"}

    manage("migrate", "--no-input", database_url=scratch_database)
    assert public_objects(scratch_database) == built
    assert group_permissions(scratch_database) == declared
    check = manage(
        "makemigrations", "--check", "--dry-run", database_url=scratch_database, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
