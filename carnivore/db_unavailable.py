"""What a request gets when PostgreSQL cannot be reached, is restarting, or is too busy.

Such a request is answered 503 with a JSON `detail` and `Retry-After` (never Django's HTML error
page), because a retry may succeed: `is_database_unavailable` tells those errors from the ones
a retry cannot get past, which stay errors (500). RequestIdentityMiddleware calls both for
errors raised while connecting, authenticating, in a view or while committing.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

logger = logging.getLogger(__name__)

# What a request gets when PostgreSQL cannot be reached, is restarting, or dropped the
# connection mid-request (psycopg's OperationalError; Django's InterfaceError for a connection
# it already knows to be closed). Nothing was committed unless the COMMIT itself was cut off,
# which is why clients resend with the same `event_uuid`: a retry is then stored once.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
DATABASE_UNAVAILABLE_DETAIL = "The database is unavailable or busy; try again."
DATABASE_UNAVAILABLE_RETRY_SECONDS = 1
# psycopg files some errors a retry cannot get past under OperationalError too (a program
# limit such as the stack depth, 54xxx): those stay errors (500), not "try again". Retried:
# connection trouble (08), insufficient resources (53), shutdown, restart or cancel (57),
# system errors (58), and serialization failures, deadlocks and lock timeouts.
_RETRYABLE_SQLSTATE_CLASSES = ("08", "53", "57", "58")
_RETRYABLE_SQLSTATES = ("40001", "40P01", "55P03")


def is_database_unavailable(exc: Exception) -> bool:
    """Whether `exc` means the database is unreachable or busy, so that a retry may succeed."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return (
        sqlstate is None  # no answer from the server: the connection itself failed
        or sqlstate[:2] in _RETRYABLE_SQLSTATE_CLASSES
        or sqlstate in _RETRYABLE_SQLSTATES
    )


def database_unavailable(request, exc: Exception) -> JsonResponse:
    """Answer 503 with a JSON `detail` and Retry-After, logging the cause in one line."""
    logger.warning("database unavailable for %s %s: %s", request.method, request.path, exc)
    response = JsonResponse({"detail": DATABASE_UNAVAILABLE_DETAIL}, status=503)
    response["Retry-After"] = str(DATABASE_UNAVAILABLE_RETRY_SECONDS)
    return response
