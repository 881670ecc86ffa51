"""A test database shaped like a Supabase project before our migrations run (SPEC section 9).

Registered as a pytest plugin by `tests.supabase.plugin` when CARNIVORE_SUPABASE_SHAPED=1. Its
`django_db_setup` then replaces pytest-django's: instead of migrating a new test database as the
test connection's superuser, it

1. makes the server's roles the way Supabase ships them: `anon`, `authenticated`,
   `service_role` (NOLOGIN), `authenticator`, `supabase_auth_admin`, and `supabase_owner`,
   which stands for a Supabase project's `postgres`: a login role that is no superuser, may
   create roles and databases, and is a member of the three API roles. Roles belong to the
   whole server, so any that already exist (made by an earlier run or another suite) are left
   exactly as they are;
2. creates the test database owned by supabase_owner and shapes it like a new project: schema
   `auth` owned by supabase_auth_admin, with `auth.users` and Supabase's `auth.uid()`,
   `auth.role()`, `auth.jwt()`; the API roles may use `public`, and Supabase's default
   privileges grant them everything supabase_owner creates there;
3. runs `manage.py migrate` in a child process connecting as supabase_owner.

The tests then connect as the superuser as usual and seed data that way, while every SECURITY
DEFINER function, trigger function and owner policy belongs to supabase_owner, which FORCEd
row-level security does not spare.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import errors, sql

from tests.conftest import database_url, manage, server_conninfo
from tests.supabase.plugin import BEFORE_MIGRATIONS

OWNER = "supabase_owner"
AUTH_ADMIN = "supabase_auth_admin"
API_ROLES = ("anon", "authenticated", "service_role")

# Role attributes as Supabase's own initialisation scripts set them, but for service_role's
# BYPASSRLS: the role outlives this database and serves every suite run on the server, whose
# row-level security matrix would then pass for the service role without its policies.
# (tests/carnivore/test_doctor.py checks that a BYPASSRLS service_role passes the doctor.)
SUPABASE_ROLES = {
    "anon": "NOLOGIN NOINHERIT",
    "authenticated": "NOLOGIN NOINHERIT",
    "service_role": "NOLOGIN NOINHERIT",
    "authenticator": "LOGIN NOINHERIT",
    AUTH_ADMIN: "LOGIN NOINHERIT CREATEROLE",
    OWNER: "LOGIN NOSUPERUSER CREATEROLE CREATEDB",
}

# A new project's database, as the superuser leaves it: `auth` belongs to supabase_auth_admin,
# which runs Supabase Auth's own migrations there; the API roles may use `public`, and whatever
# the owner creates in it is granted to them by default.
SHAPE_DATABASE = """
GRANT CREATE ON DATABASE {database} TO {auth_admin};
CREATE SCHEMA auth AUTHORIZATION {auth_admin};
GRANT USAGE ON SCHEMA auth TO {owner};
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
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


def roles_ensure(server: psycopg.Connection) -> None:
    """Create the Supabase roles the server lacks and make the owner a member of the API roles."""
    for role, attributes in SUPABASE_ROLES.items():
        if server.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            continue
        # Another test session on the same server may be creating it at this very moment.
        with contextlib.suppress(errors.DuplicateObject, errors.UniqueViolation):
            server.execute(
                sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(role), sql.SQL(attributes))
            )
    server.execute(
        sql.SQL("GRANT {} TO authenticator, {}").format(
            sql.SQL(", ").join(map(sql.Identifier, API_ROLES)), sql.Identifier(OWNER)
        )
    )


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


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker) -> Iterator[None]:
    """Create the Supabase-shaped test database, migrate it as supabase_owner, drop it."""
    connection = connections[DEFAULT_DB_ALIAS]
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    name = f"test_{original_name}_supabase"
    with psycopg.connect(server_conninfo(settings_dict), autocommit=True) as server:
        roles_ensure(server)
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        server.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(OWNER)
            )
        )
    with psycopg.connect(server_conninfo(settings_dict, name)) as database:
        database_shape(database, name)
        request.config.stash[BEFORE_MIGRATIONS] = supabase_objects(database.cursor())
    owner_url = database_url({**settings_dict, "USER": OWNER, "PASSWORD": ""}, name)
    migrated = manage("migrate", "--no-input", database_url=owner_url, check=False)
    if migrated.returncode != 0:
        pytest.fail(
            f"migrate as {OWNER} failed on the Supabase-shaped database:\n"
            f"{migrated.stdout}{migrated.stderr}",
            pytrace=False,
        )
    with django_db_blocker.unblock():
        connection.close()
        settings_dict["NAME"] = name
    yield
    with django_db_blocker.unblock():
        connection.close()
        settings_dict["NAME"] = original_name
    with psycopg.connect(server_conninfo(settings_dict), autocommit=True) as server:
        server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
