"""The public homepage's path: GET /api/grid/ without credentials is answered before the stack.

GET /api/grid/ is the busiest request and the same for everyone, so a caller that sends no
credentials is answered here, from the cache (or, on a miss, from `homepage_grid` under the
anonymous role, which fills the cache): no session, CSRF, authentication or DRF work, and on a
hit no database. Never reaching the session layer is also what keeps `Vary: Cookie` off the
response, so that a CDN keeps one copy for everyone rather than one per cookie.

- No Authorization header and no session cookie: `Cache-Control: public` (a CDN may keep it).
- A session cookie: the same grid, `private` (a shared cache must not keep what a signed-in
  reader was sent).
- An Authorization header: the usual path (GridApi, `private`), so that bad credentials are
  refused (401) as on every endpoint.

Placed right after SecurityMiddleware and CorsMiddleware, so their headers are still set.
"""

from django.conf import settings
from django.core.cache import caches

from carnivore.db_context import ANONYMOUS, run_as
from carnivore.db_unavailable import (
    DATABASE_UNAVAILABLE_ERRORS,
    database_unavailable,
    is_database_unavailable,
)
from grid.apis import homepage_response
from grid.selectors import HOMEPAGE_CACHE_KEY, grid_homepage

HOMEPAGE_PATH = "/api/grid/"


class CachedHomepageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info != HOMEPAGE_PATH
            or request.method not in ("GET", "HEAD")
            # Credentials go through the stack, which refuses bad ones (401), as documented.
            or "Authorization" in request.headers
        ):
            return self.get_response(request)
        homepage = caches["homepage"].get(HOMEPAGE_CACHE_KEY)
        if homepage is None:
            try:
                with run_as(ANONYMOUS):
                    homepage = grid_homepage()
            except DATABASE_UNAVAILABLE_ERRORS as exc:
                if not is_database_unavailable(exc):
                    raise
                return database_unavailable(request, exc)
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        return homepage_response(request, homepage, shared=not signed_in)
