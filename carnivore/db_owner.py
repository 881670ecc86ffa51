"""The schema owner's connection, for `migrate` only (SPEC section 3, "Defence in depth").

The web processes and jobs may connect (DATABASE_URL) as a login role that owns nothing: a member
of carnivore_runtime (carnivore/sql/runtime_role.sql), which may switch to the API roles and use
Django's own tables but cannot alter, disable or drop anything, so it cannot switch off what the
triggers guard. The owner's URL (DATABASE_OWNER_URL, `settings.DATABASE_OWNER`) then serves the
migrations: `as_owner` points the default connection at it for the length of the command, so
that everything the command does, the post-migrate steps included, runs as the owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

OWNER_CONNECTION_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Connect `alias` as the schema's owner for the block, when DATABASE_OWNER_URL is set."""
    owner = getattr(settings, "DATABASE_OWNER", None)
    if owner is None or alias != DEFAULT_DB_ALIAS:
        yield
        return
    connection = connections[alias]
    runtime = {key: connection.settings_dict.get(key) for key in OWNER_CONNECTION_KEYS}
    connection.close()
    connection.settings_dict.update(
        {
            **{key: owner[key] for key in OWNER_CONNECTION_KEYS if key in owner},
            # The runtime's connection options (server-side binding), the owner URL's own first.
            "OPTIONS": {**(runtime["OPTIONS"] or {}), **owner.get("OPTIONS", {})},
        }
    )
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(runtime)
