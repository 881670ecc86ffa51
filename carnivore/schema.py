"""OpenAPI description of what every endpoint shares: how a caller authenticates, how strict
inputs are, and the error responses (imported by CarnivoreConfig.ready).

Each operation lists the error statuses it can answer with `error_responses(...)`, so the
schema says exactly which ones a client must handle; tests/carnivore/test_schema_fuzz.py holds
every operation to it.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class RequestIdentitySchemes(OpenApiAuthenticationExtension):
    """The three ways RequestIdentityMiddleware authenticates a caller."""

    target_class = "carnivore.authentication.RequestIdentityAuthentication"
    name = ["session", "token", "supabaseJwt"]

    def get_security_requirement(self, auto_schema) -> list[dict]:
        # Any one of them (OR), not all three at once (drf-spectacular's default for a list).
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.SESSION_COOKIE_NAME,
                "description": "A signed-in admin session (unsafe methods need the CSRF token).",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Token <key>`: a DRF token.",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": (
                    "A Supabase Auth JWT (HS256 with SUPABASE_JWT_SECRET) carrying `exp`, a UUID"
                    " `sub`, the audience SUPABASE_JWT_AUDIENCE (default `authenticated`) and,"
                    " when SUPABASE_JWT_ISSUER is set, that `iss`. A reader never seen before is"
                    " created on first use, with the `sub` as id."
                ),
            },
        ]


# For a view that authenticates nobody itself (the cached homepage): RequestIdentityMiddleware
# still checks an Authorization header a caller sends, and refuses a bad one.
OPTIONAL_AUTH = [*({name: []} for name in RequestIdentitySchemes.name), {}]


class StrictSerializerSchema(OpenApiSerializerExtension):
    """A StrictSerializer refuses unknown fields: its schema allows no other properties."""

    target_class = "carnivore.serializers.StrictSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


class ErrorOut(serializers.Serializer):
    """An error that concerns the request as a whole."""

    detail = serializers.CharField()


ERROR_DESCRIPTIONS = {
    400: (
        "Bad input. Each refused field names its messages, e.g."
        ' `{"content_id": ["Ensure this value is greater than or equal to 1."]}`'
        ' (items of a list by index: `{"events": {"2": {...}}}`); a body that is not JSON'
        ' gets `{"detail": "..."}`.'
    ),
    401: (
        "Credentials that are not valid (an unknown token, a JWT that does not verify), or none"
        " where the endpoint needs a signed-in reader."
    ),
    403: "Signed in, but not allowed to do this.",
    404: "Not found.",
    415: "The body is not JSON: send it as `Content-Type: application/json`.",
    429: "Too many requests from this client; the Retry-After header says when to try again.",
}
PAGE_NOT_FOUND = "No such page: `page` is past the last one."
CSRF_FAILED = "Signed in by session cookie without the CSRF token."


def error_responses(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """Return the documented error responses for `codes`, for `extend_schema(responses=...)`.

    A keyword `e403="..."` replaces the standard description of that status.
    """
    responses = {}
    for code in codes:
        description = descriptions.get(f"e{code}", ERROR_DESCRIPTIONS[code])
        body = OpenApiTypes.OBJECT if code == 400 else ErrorOut
        responses[code] = OpenApiResponse(body, description=description)
    return responses


def paged(serializer: type[serializers.Serializer], *codes: int, **descriptions: str) -> dict:
    """`extend_schema(responses=...)` of a paginated list of `serializer`: a bad page or filter
    is a 400, a page past the last a 404, plus the errors of `codes` (see error_responses)."""
    errors = error_responses(400, 404, *codes, **{"e404": PAGE_NOT_FOUND, **descriptions})
    return {200: serializer(many=True), **errors}


def document_errors_of_every_operation(result, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the errors any operation can answer, documented on
    each. RequestIdentityMiddleware refuses bad credentials (401) before any view, and answers
    503 when PostgreSQL is unreachable or restarting (carnivore.db_unavailable).
    """
    error_out = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    refused = {"description": ERROR_DESCRIPTIONS[401], "content": error_out}
    unavailable = {
        "description": "The database is unavailable or busy: retry after Retry-After seconds.",
        "headers": {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        },
        "content": error_out,
    }
    for operations in result["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault("401", refused)
            operation["responses"].setdefault("503", unavailable)
    return result
