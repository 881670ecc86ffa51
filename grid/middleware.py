"""The homepage's fast path: a cached public grid is answered before the rest of the stack.

GET /api/grid/ is the busiest request and the same for everyone, so once the refresh has put it
in the cache, it is served straight from there: no session, CSRF, authentication, transaction
or DRF work, and no database. A request with an Authorization header takes the usual path, so
that bad credentials are refused as on every endpoint. On a cache miss the request goes on to
GridApi as usual, which reads the view and fills the cache. Placed right after
SecurityMiddleware, so its headers are still set.
"""

from django.core.cache import caches

from grid.apis import homepage_response
from grid.selectors import HOMEPAGE_CACHE_KEY

HOMEPAGE_PATH = "/api/grid/"


class CachedHomepageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info == HOMEPAGE_PATH
            and request.method in ("GET", "HEAD")
            # Credentials go through the stack, which refuses bad ones (401), as documented.
            and "Authorization" not in request.headers
        ):
            homepage = caches["homepage"].get(HOMEPAGE_CACHE_KEY)
            if homepage is not None:
                return homepage_response(request, homepage)
        return self.get_response(request)
