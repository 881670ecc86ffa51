"""Who the database thinks is asking: the one place that switches roles and sets claims.

Every API and admin request runs in one transaction that first does the equivalent of
`SET LOCAL ROLE anon|authenticated` and sets `request.jwt.claims` transaction-locally
(`set_config(..., true)`), so PostgreSQL's row-level security decides what the request may see
and change, exactly as it would for a Supabase client with the same JWT (`run_request_as`, which
RequestIdentityMiddleware wraps around each request). Jobs and commands name their identity
explicitly with `run_as(SERVICE)` or `run_as(admin_identity(...))`. Nothing is
set for the session, so a connection shared through PgBouncer in transaction mode never carries
one request's identity into another.

Django's own tables (users, groups, permissions, tokens) are not granted to the API roles, so
authentication (`carnivore.authentication`) happens before the switch, as the connecting role;
`connecting_role()` steps back out for the few framework reads that happen inside a request
(login, permissions).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg.pq import TransactionStatus

from carnivore.staff_groups import AUDITORS_GROUP, EDITORS_GROUP

ANON = "anon"
AUTHENTICATED = "authenticated"
SERVICE_ROLE = "service_role"

ADMIN = "admin"  # app_metadata.role of editors, superusers and the weekly import
AUDITOR = "auditor"  # app_metadata.role of auditors: read everything, change nothing

# One round trip: the role switch and the claims, both transaction-local.
_SET_IDENTITY = "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"
_READ_IDENTITY = "SELECT current_setting('role'), current_setting('request.jwt.claims', true)"


@dataclass(frozen=True)
class Identity:
    """A database role plus the JWT-style claims that row-level security reads."""

    role: str
    user_id: uuid.UUID | None = None
    app_role: str | None = None
    extra_claims: dict = field(default_factory=dict, compare=False)

    def claims(self) -> dict:
        """Return the claims as Supabase would put them in a JWT."""
        claims = {**self.extra_claims, "role": self.role}
        if self.user_id is not None:
            claims["sub"] = str(self.user_id)
        if self.app_role is not None:
            claims["app_metadata"] = {**claims.get("app_metadata", {}), "role": self.app_role}
        return claims

    def claims_json(self) -> str:
        return json.dumps(self.claims(), separators=(",", ":"), sort_keys=True)


ANONYMOUS = Identity(ANON)
SERVICE = Identity(SERVICE_ROLE)


def admin_identity(user=None) -> Identity:
    """Return the admin identity, on behalf of `user` when given (the audit log names them)."""
    return Identity(AUTHENTICATED, user_id=user.pk if user else None, app_role=ADMIN)


def identity_for_user(user) -> Identity:
    """Return the identity of a Django user: anon, or authenticated with their staff role.

    Reads the user's groups, so call it before switching roles.
    """
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    groups = getattr(user, "group_names", None)
    if groups is None:
        groups = set(user.groups.values_list("name", flat=True))
    if user.is_superuser or EDITORS_GROUP in groups:
        app_role = ADMIN
    elif AUDITORS_GROUP in groups:
        app_role = AUDITOR
    else:
        app_role = None
    return Identity(AUTHENTICATED, user_id=user.pk, app_role=app_role)


def apply_identity(identity: Identity, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Switch the current transaction to `identity`; refuse outside a transaction."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("apply_identity() needs a transaction: SET LOCAL outside one is lost")
    with connection.cursor() as cursor:
        cursor.execute(_SET_IDENTITY, [identity.role, identity.claims_json()])


@contextmanager
def run_as(identity: Identity, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block in a transaction under `identity` (for jobs, commands and tests).

    Nested inside another transaction, the block gets a savepoint and the outer identity is
    restored when it ends (a rollback restores it by itself).
    """
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        previous = None
        if nested:
            with connection.cursor() as cursor:
                cursor.execute(_READ_IDENTITY)
                previous = cursor.fetchone()
        apply_identity(identity, using=using)
        yield
        # A block marked for rollback is undone to its savepoint, identity included.
        if previous is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute(_SET_IDENTITY, [previous[0], previous[1] or ""])


_request_identity: ContextVar[Identity | None] = ContextVar("request_identity", default=None)
_stepped_out: ContextVar[bool] = ContextVar("stepped_out", default=False)
# The apps whose tables hold the application's data, behind row-level security; every other
# app's tables are Django's own, which only the connecting role may read.
APPLICATION_APPS = ("audit", "trending", "grid", "engagement")


class _IdentityBeforeFirstQuery:
    """A query wrapper that switches the request's transaction before its first statement.

    Applying the identity lazily means a request answered without the database (a cached grid)
    costs no round trip. The first statement of a transaction cannot sit inside a savepoint
    (Django's SAVEPOINT statements pass through this wrapper too), so the switch always happens
    at the top level of the transaction and no savepoint rollback can undo it.
    """

    def __init__(self, identity: Identity):
        self.identity = identity
        self.applied = False

    def __call__(self, execute, sql, params, many, context):
        if not self.applied:
            self.applied = True
            context["cursor"].cursor.execute(
                _SET_IDENTITY, [self.identity.role, self.identity.claims_json()]
            )
        return execute(sql, params, many, context)


@contextmanager
def run_request_as(identity: Identity, *, using: Sequence[str]) -> Iterator[None]:
    """Run a request in one transaction on each database of `using`, all under `identity`.

    The role and claims are set before each transaction's first statement, so a request
    answered without the database costs no round trip. Inside the block, `connecting_role()`
    steps out to the connecting role.
    """
    token = _request_identity.set(identity)
    try:
        with ExitStack() as stack:
            for alias in using:
                connection = connections[alias]
                if connection.in_atomic_block:
                    # Only under a test's transaction: switch now, and back afterwards.
                    stack.enter_context(run_as(identity, using=alias))
                else:
                    stack.enter_context(transaction.atomic(using=alias))
                    stack.enter_context(
                        connection.execute_wrapper(_IdentityBeforeFirstQuery(identity))
                    )
            yield
    finally:
        _request_identity.reset(token)


@contextmanager
def connecting_role(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside a request, run the block as the connecting role, then switch back.

    Only for Django's own tables (authentication, permissions, account administration), which
    no API role may read. Outside a request's switched transaction it does nothing.
    """
    identity = _request_identity.get()
    connection = connections[using]
    # Nested (a permission check inside an admin page already run as the connecting role):
    # the outer block switches back when it ends, not this one.
    if identity is None or not connection.in_atomic_block or _stepped_out.get():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(_SET_IDENTITY, ["none", ""])
    token = _stepped_out.set(True)
    try:
        yield
    finally:
        _stepped_out.reset(token)
        status = connection.connection.info.transaction_status
        if status != TransactionStatus.INERROR:  # a failed transaction rolls back anyway
            with connection.cursor() as cursor:
                cursor.execute(_SET_IDENTITY, [identity.role, identity.claims_json()])
