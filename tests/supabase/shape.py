"""A test database shaped like a Supabase project before our migrations run (SPEC section 9).

Registered as a pytest plugin by `tests.supabase.plugin` when CARNIVORE_SUPABASE_SHAPED is set.
Its `django_db_setup` then replaces pytest-django's: instead of migrating a new test database as
the test connection's superuser, it

1. starts a PostgreSQL cluster of its own, of the same major version as the test server (the
   embedded server's programs, or Debian's for PostgreSQL 15), whose superuser is
   `supabase_admin`. Roles belong to a whole cluster, so Supabase's can be made exactly as
   Supabase makes them without touching the roles that other suites on the test server use:
   `anon` and `authenticated` (NOLOGIN, INHERIT, statement timeouts of 3 s and 8 s),
   `service_role` (NOLOGIN, INHERIT, BYPASSRLS), `authenticator` (LOGIN, NOINHERIT, a member of
   the three), `supabase_auth_admin`, and `postgres`, the role a project's owner gets: no
   superuser, but CREATEROLE, CREATEDB, BYPASSRLS, a member of the API roles and of
   pg_read_all_data, pg_monitor and pg_signal_backend. With CARNIVORE_SUPABASE_SHAPED=no-bypassrls
   neither `postgres` nor `service_role` has BYPASSRLS (a self-hosted owner role);
2. creates the test database owned by `postgres` and shapes it like a new project: schema `auth`
   owned by supabase_admin, where supabase_auth_admin has made `auth.users` and Supabase's
   `auth.uid()`, `auth.role()`, `auth.jwt()`; the API roles may use `public` (service_role may
   also create there), and Supabase's default privileges grant them everything `postgres`
   creates there;
3. runs `manage.py migrate` in a child process connecting as `postgres`.

The tests then connect as supabase_admin and seed data that way, while every SECURITY DEFINER
function, trigger function and owner policy belongs to `postgres`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

from tests.conftest import manage, server_conninfo
from tests.ops.servers import postgres_bin_dir, running_postgres
from tests.supabase.plugin import BEFORE_MIGRATIONS, supabase_bypassrls

SUPERUSER = "supabase_admin"
OWNER = "postgres"
AUTH_ADMIN = "supabase_auth_admin"
API_ROLES = ("anon", "authenticated", "service_role")
SUPABASE_ROLES = (*API_ROLES, "authenticator", AUTH_ADMIN, OWNER)


def supabase_roles(*, bypassrls: bool) -> str:
    """Supabase's roles as its initialisation scripts make them (BYPASSRLS as asked)."""
    bypass = "BYPASSRLS" if bypassrls else "NOBYPASSRLS"
    return f"""
CREATE ROLE anon NOLOGIN INHERIT;
CREATE ROLE authenticated NOLOGIN INHERIT;
CREATE ROLE service_role NOLOGIN INHERIT {bypass};
ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
CREATE ROLE {AUTH_ADMIN} LOGIN NOINHERIT CREATEROLE;
CREATE ROLE {OWNER} LOGIN NOSUPERUSER CREATEROLE CREATEDB REPLICATION {bypass};
GRANT anon, authenticated, service_role TO {OWNER};
GRANT pg_read_all_data, pg_monitor, pg_signal_backend TO {OWNER};
"""


# A new project's database, as the superuser leaves it: `auth` belongs to supabase_admin and
# supabase_auth_admin runs Supabase Auth's own migrations there; the API roles may use `public`
# (service_role may create in it), and whatever the owner creates in it is granted to them by
# default.
SHAPE_DATABASE = """
GRANT CREATE ON DATABASE {database} TO {auth_admin};
CREATE SCHEMA auth AUTHORIZATION supabase_admin;
GRANT USAGE, CREATE ON SCHEMA auth TO {auth_admin};
GRANT USAGE ON SCHEMA auth TO {owner}, anon, authenticated, service_role;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT CREATE ON SCHEMA public TO service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
"""

# What Supabase Auth creates in `auth`, as supabase_auth_admin: its users table (the columns
# that matter here) and the auth functions. Those are Supabase's definitions, which carnivore's
# 0002 migration copies to create where they are missing.
AUTH_USERS = """
CREATE TABLE auth.users (
    instance_id uuid,
    id uuid PRIMARY KEY,
    aud varchar(255),
    role varchar(255),
    email varchar(255) UNIQUE,
    encrypted_password varchar(255),
    email_confirmed_at timestamptz,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_super_admin boolean,
    created_at timestamptz,
    updated_at timestamptz
);
"""
# Supabase's own definitions, as carnivore/sql/supabase_auth.sql creates them where absent.
SUPABASE_AUTH_FUNCTIONS = (
    Path(__file__).resolve().parents[2] / "carnivore" / "sql" / "supabase_auth.sql"
).read_text()


@dataclass(frozen=True)
class SupabaseObjects:
    """The Supabase roles and auth functions of a database, by name, with their identities."""

    roles: dict[str, int]  # role name -> oid
    auth_functions: dict[str, tuple[int, str]]  # signature -> (oid, owner)


def supabase_objects(cursor) -> SupabaseObjects:
    """Return the Supabase roles and auth functions `cursor`'s database holds."""
    cursor.execute(
        "SELECT rolname, oid::bigint FROM pg_roles WHERE rolname = ANY(%s)", [list(SUPABASE_ROLES)]
    )
    roles = dict(cursor.fetchall())
    cursor.execute(
        "SELECT p.oid::regprocedure::text, p.oid::bigint, pg_get_userbyid(p.proowner)"
        " FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace"
    )
    return SupabaseObjects(roles, {name: (oid, owner) for name, oid, owner in cursor.fetchall()})


def database_shape(database: psycopg.Connection, name: str) -> None:
    """Shape the empty database `name` like a new Supabase project (one transaction)."""
    with database.transaction():
        database.execute(
            sql.SQL(SHAPE_DATABASE).format(
                database=sql.Identifier(name),
                auth_admin=sql.Identifier(AUTH_ADMIN),
                owner=sql.Identifier(OWNER),
            )
        )
        database.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(AUTH_ADMIN)))
        database.execute(AUTH_USERS)
        database.execute(SUPABASE_AUTH_FUNCTIONS)


def server_version(settings_dict: dict) -> int:
    """Return the major version of the test server."""
    with psycopg.connect(server_conninfo(settings_dict)) as server:
        return server.info.server_version // 10000


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker) -> Iterator[None]:
    """Start a Supabase-shaped cluster, create the database, migrate it as `postgres`."""
    connection = connections[DEFAULT_DB_ALIAS]
    settings_dict = connection.settings_dict
    original = dict(settings_dict)
    name = f"test_{original['NAME']}_supabase"
    bin_dir = postgres_bin_dir(major=server_version(settings_dict))
    with running_postgres(bin_dir, superuser=SUPERUSER) as cluster:
        with cluster.connect(autocommit=True) as server:
            server.execute(supabase_roles(bypassrls=supabase_bypassrls()))
            server.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(OWNER)
                )
            )
        with cluster.connect(name) as database:
            database_shape(database, name)
            request.config.stash[BEFORE_MIGRATIONS] = supabase_objects(database.cursor())
        migrated = manage(
            "migrate",
            "--no-input",
            database_url=f"postgres://{OWNER}@127.0.0.1:{cluster.port}/{name}",
            check=False,
        )
        if migrated.returncode != 0:
            pytest.fail(
                f"migrate as {OWNER} failed on the Supabase-shaped database:\n"
                f"{migrated.stdout}{migrated.stderr}",
                pytrace=False,
            )
        with django_db_blocker.unblock():
            connection.close()
            settings_dict.update(
                NAME=name, HOST="127.0.0.1", PORT=str(cluster.port), USER=SUPERUSER, PASSWORD=""
            )
        try:
            yield
        finally:
            with django_db_blocker.unblock():
                connection.close()
                settings_dict.clear()
                settings_dict.update(original)
