"""Sign-in throttling (django-axes): too many failed sign-ins lock out the account and the address.

After LOGIN_FAILURE_LIMIT failures for one username (from anywhere), or from one client address
(for any username), further attempts are refused with 429 for LOGIN_LOCKOUT_MINUTES, the right
password included; each refused attempt starts the wait again. A successful sign-in clears the
failures that counted against it.

The admin's sign-in form and the API's `POST /api/auth/token/` count as one: both authenticate
through Django's `authenticate()`, whose first backend is axes'. A lockout is answered by
`lockout_response`: JSON under /api/, a short text elsewhere, with Retry-After either way.

The client address is the one the API's throttles use (DRF's `get_ident` with TRUSTED_PROXIES),
so one proxy setting serves both and a client cannot pick its own address with a forged
X-Forwarded-For.

The attempts live in Django's tables (`axes_*`), which no API role may touch: sign-in runs
inside the request's transaction under `anon`, so every read and write of the handler steps
out to the connecting role.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_message
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from rest_framework.throttling import BaseThrottle

from carnivore.db_context import connecting_role


def client_address(request) -> str | None:
    """Return the client's address as the API's throttles see it (AXES_CLIENT_IP_CALLABLE)."""
    return BaseThrottle().get_ident(request)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """Answer a locked-out sign-in (AXES_LOCKOUT_CALLABLE): 429 with Retry-After, as JSON
    `{"detail": ...}` for the API and as axes' own text for the admin's form."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Too many failed sign-ins: try again later."}, status=429
        )
    else:
        response = HttpResponse(get_lockout_message(), status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class AxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, reading and writing its tables as the connecting role."""

    def is_allowed(self, request, credentials=None) -> bool:
        with connecting_role():
            return super().is_allowed(request, credentials)

    def is_locked(self, request, credentials=None) -> bool:
        with connecting_role():
            return super().is_locked(request, credentials)

    def get_failures(self, request, credentials=None) -> int:
        with connecting_role():
            return super().get_failures(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        with connecting_role():
            return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        with connecting_role():
            return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        with connecting_role():
            return super().user_logged_out(sender, request, user, **kwargs)

    def reset_attempts(self, **kwargs) -> int:
        with connecting_role():
            return super().reset_attempts(**kwargs)

    def reset_logs(self, **kwargs) -> int:
        with connecting_role():
            return super().reset_logs(**kwargs)

    def reset_failure_logs(self, **kwargs) -> int:
        with connecting_role():
            return super().reset_failure_logs(**kwargs)


def sign_in_records_delete(*, username: str) -> None:
    """Delete axes' records of sign-ins under `username` (a user being erased): attempts,
    failures and the access log. Run as the connecting role."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()
