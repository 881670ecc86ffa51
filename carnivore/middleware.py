"""The way of every request through the database: authenticate, switch identity, answer 503.

`RequestIdentityMiddleware` comes last in MIDDLEWARE, so that everything after it (the view)
runs in one transaction under the caller's role and claims (`carnivore.db_context`). It
authenticates an `Authorization` header first, as the connecting role, and answers a database
that cannot be reached with a 503 (`carnivore.db_unavailable`) rather than an error page.
"""

from __future__ import annotations

from django.db import connections, transaction

from carnivore.authentication import authenticate_from_header
from carnivore.db_context import identity_for_user, run_request_as
from carnivore.db_routing import reads_from, request_databases
from carnivore.db_unavailable import (
    DATABASE_UNAVAILABLE_ERRORS,
    database_unavailable,
    is_database_unavailable,
)


class RequestIdentityMiddleware:
    """Run each request in one transaction under the caller's role and claims.

    Authenticates first, as the connecting role: the session user (Django's middleware), a DRF
    token (`Authorization: Token <key>`) or, when SUPABASE_JWT_SECRET is set, a Supabase JWT
    (`Authorization: Bearer <jwt>`) naming a user by id. A bad token is answered 401 at once.
    A database that cannot be reached is answered 503 (`database_unavailable`), never a 500
    page: Django's own handler would otherwise turn the error into HTML.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.respond(request)
        except DATABASE_UNAVAILABLE_ERRORS as exc:  # connecting, authenticating, committing
            if not is_database_unavailable(exc):
                raise
            return database_unavailable(request, exc)

    def process_exception(self, request, exception):
        """A view lost the database: roll its transaction back and answer 503."""
        if not is_database_unavailable(exception):
            return None
        for alias in connections:
            if connections[alias].in_atomic_block:
                transaction.set_rollback(True, using=alias)  # no COMMIT on a lost connection
        return database_unavailable(request, exception)

    def respond(self, request):
        failure = authenticate_from_header(request)
        if failure is not None:
            return failure
        identity = identity_for_user(request.user)
        request.db_identity = identity
        aliases = request_databases(request)
        with reads_from(aliases[-1]), run_request_as(identity, using=aliases):
            return self.get_response(request)
