"""OpenAPI description of how the API authenticates (imported by CarnivoreConfig.ready)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class RequestIdentitySchemes(OpenApiAuthenticationExtension):
    """The three ways RequestIdentityMiddleware authenticates a caller."""

    target_class = "carnivore.db_context.RequestIdentityAuthentication"
    name = ["session", "token", "supabaseJwt"]

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
                    "A Supabase Auth JWT (HS256, audience `authenticated`);"
                    " needs SUPABASE_JWT_SECRET."
                ),
            },
        ]
