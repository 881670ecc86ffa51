"""Which database a query goes to: the primary, or the read replica for a safe request's reads.

With DATABASE_REPLICA_URL set, the model reads of the application's tables during a GET or HEAD
request go to the replica (alias `replica`); writes, Django's own tables and everything else
use the primary. RequestIdentityMiddleware opens the request's transactions on the databases of
`request_databases` and marks where its reads go with `reads_from`; `ReadReplicaRouter` then
routes each query. Both databases run under the request's identity (`carnivore.db_context`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from carnivore.db_context import APPLICATION_APPS

REPLICA_DB_ALIAS = "replica"

_read_alias: ContextVar[str] = ContextVar("read_alias", default=DEFAULT_DB_ALIAS)


def read_alias() -> str:
    """The database a read may use: the replica during a GET or HEAD request when one is
    configured (DATABASE_REPLICA_URL), the primary otherwise."""
    return _read_alias.get()


def request_databases(request) -> list[str]:
    """Return the aliases of the databases `request` uses, the one its reads use last."""
    aliases = [DEFAULT_DB_ALIAS]
    if request.method in ("GET", "HEAD") and settings.READ_REPLICA:
        aliases.append(REPLICA_DB_ALIAS)  # reads of a safe request go to the replica
    return aliases


@contextmanager
def reads_from(alias: str) -> Iterator[None]:
    """Send the block's reads of the application's tables to the database `alias`."""
    token = _read_alias.set(alias)
    try:
        yield
    finally:
        _read_alias.reset(token)


class ReadReplicaRouter:
    """Database router: model reads of safe requests go to the replica, everything else to the
    primary. Both run under the request's identity (RequestIdentityMiddleware)."""

    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label in APPLICATION_APPS:
            return read_alias()
        return DEFAULT_DB_ALIAS  # Django's own tables: read as the connecting role (primary)

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
