"""Hand-written SQL objects: one current definition each, in a source file of its app.

Every SQL function, view, materialized view, policy set and type that is not a Django model or
a django-pgtrigger trigger lives in `<app>/sql/<name>.sql`, written to be run again at any time
(`CREATE OR REPLACE`, or a policy set that drops the table's policies and creates them anew)
and carrying its own grants. Each app lists its objects in `<app>/sql_config.py` as
`sql_items`, which django-migrate-sql-deux reads: `makemigrations` freezes a copy of every new
or changed file into a migration (with the previous version as its reverse), and
`makemigrations --check` fails while a file differs from what the migrations hold.
`tests/carnivore/test_sql_sources.py` proves that the database holds exactly these files after
`migrate`.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django_migrate_sql.autodetector import MigrationAutodetector as SQLAutodetector
from django_migrate_sql.config import SQLItem
from pgtrigger import migrations as pgtrigger_migrations


def sql_item(
    app_dir: str | Path,
    name: str,
    *,
    reverse: str,
    dependencies: Iterable[tuple[str, str]] = (),
    replace: bool = True,
) -> SQLItem:
    """Return the SQL object defined by `<app_dir>/sql/<name>.sql`.

    Args:
        app_dir: The app's package directory (pass `Path(__file__).parent` from sql_config).
        name: The object's name, which is also the file's stem.
        reverse: SQL that removes the object (used when migrating backwards past its creation).
        dependencies: `(app_label, name)` of the SQL objects this one needs to exist first.
        replace: True when the file replaces the object in place (`CREATE OR REPLACE`, a policy
            set); False when a change must drop the old version first (views whose columns
            change, materialized views, types).
    """
    source = Path(app_dir) / "sql" / f"{name}.sql"
    return SQLItem(
        name,
        source.read_text(),
        reverse_sql=reverse,
        dependencies=list(dependencies),
        replace=replace,
    )


def sql_source_path(app_dir: str | Path, name: str) -> Path:
    """Return the path of the source file that defines the SQL object `name`."""
    return Path(app_dir) / "sql" / f"{name}.sql"


class MigrationAutodetector(pgtrigger_migrations.MigrationAutodetectorMixin, SQLAutodetector):
    """Django's autodetector that also sees django-pgtrigger triggers and the SQL objects of
    every app's `sql_config.py` (each library patches in only its own)."""


def sql_items_in_order() -> list[tuple[str, SQLItem]]:
    """Return every app's SQL objects as `(app_label, item)`, each after its dependencies.

    Raises:
        LookupError: an item depends on an object no `sql_config.py` declares.
        ValueError: the dependencies form a cycle.
    """
    declared: dict[tuple[str, str], SQLItem] = {}
    for app_config in apps.get_app_configs():
        try:
            config = import_module(f"{app_config.name}.sql_config")
        except ModuleNotFoundError:
            continue
        for item in config.sql_items:
            declared[(app_config.label, item.name)] = item

    ordered: list[tuple[str, SQLItem]] = []
    state: dict[tuple[str, str], str] = {}

    def visit(key: tuple[str, str], path: tuple[tuple[str, str], ...]) -> None:
        if state.get(key) == "done":
            return
        if key not in declared:
            raise LookupError(f"{path[-1]} depends on {key}, which no sql_config.py declares")
        if state.get(key) == "visiting":
            raise ValueError(f"SQL objects depend on each other in a cycle: {(*path, key)}")
        state[key] = "visiting"
        for dependency in declared[key].dependencies:
            visit(tuple(dependency), (*path, key))
        state[key] = "done"
        ordered.append((key[0], declared[key]))

    for key in declared:
        visit(key, ())
    return ordered


# What the database holds of every hand-written object, as PostgreSQL itself prints it (so
# formatting and comments inside a body count, as they should: the body is stored verbatim).
# Privileges are compared as they are in effect: an owner-only ACL equals the default one.
CATALOG_SNAPSHOT = """
SELECT 'function ' || p.oid::regprocedure::text,
       concat_ws(E'\\n', pg_get_functiondef(p.oid),
                 'acl ' || coalesce(p.proacl, acldefault('f', p.proowner))::text)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('public', 'app_private', 'auth') AND p.prokind IN ('f', 'p')
  AND p.proname NOT LIKE 'pgtrigger\\_%' AND p.proname NOT LIKE '\\_pgtrigger\\_%'
UNION ALL
SELECT 'relation ' || c.relname,
       concat_ws(E'\\n', c.relkind::text,
                 CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
                 'acl ' || coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's'
                                                         ELSE 'r' END::"char", c.relowner))::text,
                 'options ' || c.reloptions::text,
                 'rls ' || c.relrowsecurity::text || ' forced ' || c.relforcerowsecurity::text,
                 (SELECT string_agg(pg_get_indexdef(i.indexrelid), E'\\n' ORDER BY 1)
                  FROM pg_index i WHERE i.indrelid = c.oid AND c.relkind = 'm'))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
UNION ALL
SELECT 'policy ' || tablename || '.' || policyname,
       concat_ws(E'\\n', permissive, roles::text, cmd, qual, with_check)
FROM pg_policies WHERE schemaname = 'public'
UNION ALL
SELECT 'type ' || t.typname,
       (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', '
                          ORDER BY a.attnum)
        FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
WHERE n.nspname = 'public' AND c.relkind = 'c'
UNION ALL
SELECT 'schema ' || nspname, 'acl ' || nspacl::text
FROM pg_namespace WHERE nspname IN ('app_private', 'auth')
UNION ALL
SELECT 'default privileges ' || defaclobjtype::text, defaclacl::text
FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE n.nspname = 'public'
"""


def catalog_snapshot(cursor) -> dict[str, str]:
    """Return the definitions, privileges and policies of the database's own objects, by name."""
    cursor.execute(CATALOG_SNAPSHOT)
    return dict(cursor.fetchall())


def sql_sources_drift(connection) -> dict[str, tuple[str | None, str | None]]:
    """Return the objects whose definition in the database differs from their source files.

    In a transaction that is always rolled back, every SQL object is removed (its reverse, in
    reverse dependency order) and created again from its source file; what the catalog then
    holds is compared with what it held before. Keys name the object; values are (in the
    database, from the files). Empty when the database holds exactly the source files.
    Takes the locks of the DDL it runs: meant for tests and maintenance windows, not for a
    database under load.
    """
    items = sql_items_in_order()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            before = catalog_snapshot(cursor)
            for _app_label, item in reversed(items):
                if item.reverse_sql:
                    cursor.execute(item.reverse_sql)
            for _app_label, item in items:
                cursor.execute(item.sql)
            after = catalog_snapshot(cursor)
        finally:
            cursor.execute("ROLLBACK")
    return {
        name: (before.get(name), after.get(name))
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }


def policy_set(
    app_dir: str | Path,
    table: str,
    *,
    dependencies: Iterable[tuple[str, str]] = (),
    also_reverse: str = "",
) -> SQLItem:
    """Return the row-level security of `table`, defined by `<app_dir>/sql/<table>_policies.sql`.

    The file drops the table's policies (app_private.policies_drop) and declares them anew with
    the table's grants; the reverse drops them, revokes the API roles' grants and turns row-level
    security off, then runs `also_reverse`.
    """
    # Table names come from the apps' sql_config modules, never from input.
    reverse = (
        f"SELECT app_private.policies_drop('public.{table}');"  # noqa: S608
        f" REVOKE ALL ON public.{table} FROM anon, authenticated, service_role;"
        f" ALTER TABLE public.{table} NO FORCE ROW LEVEL SECURITY;"
        f" ALTER TABLE public.{table} DISABLE ROW LEVEL SECURITY;"
    )
    return sql_item(
        app_dir,
        f"{table}_policies",
        reverse=f"{reverse} {also_reverse}".strip(),
        dependencies=[("carnivore", "api_roles"), ("carnivore", "policies_drop"), *dependencies],
    )
