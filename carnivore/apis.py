"""The API's own endpoint: `POST /api/auth/token/`, a reader's username and password for a DRF
token (the embedded demo's `reader`, or any reader with a password).

Sign-ins here count with the admin's against the same lockout (django-axes, see
carnivore/login_throttling.py). Staff accounts get no token here: a superuser gives them one in
the admin (Auth Token > Tokens), so a staff password alone never becomes a lasting credential
(a token outlives sign-out and password changes until a superuser deletes it).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from carnivore.authentication import api_token_issue
from carnivore.schema import CSRF_FAILED, error_responses
from carnivore.serializers import StrictSerializer

STAFF_REFUSED = (
    "Staff accounts get their API token from a superuser in the admin (Auth Token > Tokens),"
    " not by password."
)


class TokenIn(StrictSerializer):
    """A reader's credentials."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenOut(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it as `Authorization: Token <token>`; the same one on every request."
    )


class TokenApi(APIView):
    """Exchange a reader's username and password for their API token."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token",
        auth=[],
        request=TokenIn,
        responses={
            200: TokenOut,
            **error_responses(
                400,
                401,
                403,
                415,
                429,
                e401="Wrong username or password, or an inactive account.",
                e403=f"{STAFF_REFUSED} Or: {CSRF_FAILED}",
                e429=(
                    "Too many failed sign-ins for this username or from this address"
                    " (LOGIN_FAILURE_LIMIT); Retry-After says when to try again."
                ),
            ),
        },
    )
    def post(self, request):
        credentials = TokenIn(data=request.data)
        credentials.is_valid(raise_exception=True)
        # Django's request: axes (the first backend) counts failures against it, and its
        # middleware answers a lockout with 429 (carnivore.login_throttling.lockout_response).
        user = authenticate(request._request, **credentials.validated_data)
        if user is None:
            raise AuthenticationFailed("Wrong username or password.")
        if user.is_staff or user.is_superuser:
            raise PermissionDenied(STAFF_REFUSED)
        return Response({"token": api_token_issue(user=user)})
