"""The way of every request through the database: authenticate, switch identity, answer 503.

`RequestIdentityMiddleware` comes last in MIDDLEWARE, so that everything after it (the view)
runs in one transaction under the caller's role and claims (`carnivore.db_context`). It
authenticates an `Authorization` header first, as the connecting role, and answers a database
that cannot be reached with a 503 (`carnivore.db_unavailable`) rather than an error page.
"""

from __future__ import annotations

from django.db import connections, transaction
from django.http import JsonResponse

from carnivore.db_context import (
    identity_for_user,
    run_request_as,
    user_for_jwt,
    user_for_token,
)
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
        failure = self.authenticate_header(request)
        if failure is not None:
            return failure
        identity = identity_for_user(request.user)
        request.db_identity = identity
        aliases = request_databases(request)
        with reads_from(aliases[-1]), run_request_as(identity, using=aliases):
            return self.get_response(request)

    def authenticate_header(self, request) -> JsonResponse | None:
        """Authenticate from the Authorization header, if any; return a 401 when it is bad."""
        request.auth_method = "session"
        header = request.headers.get("Authorization", "")
        scheme, _, credential = header.partition(" ")
        scheme = scheme.lower()
        if scheme not in ("token", "bearer") or not credential:
            return None
        user = user_for_token(credential) if scheme == "token" else user_for_jwt(credential)
        if user is None or not user.is_active:
            return JsonResponse({"detail": "Invalid or expired credentials."}, status=401)
        request.user = user
        request.auth_method = scheme
        return None
