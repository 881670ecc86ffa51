"""URL map: the reader's homepage at /, the admin, the REST API under /api/, the health check."""

from django.contrib import admin
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from carnivore.apis import TokenApi


def healthz(request):
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the database means "not healthy"
        return JsonResponse({"status": "unavailable", "error": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok"})


def bad_request(request, exception):
    """Django's 400 for a request refused before any view (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields): JSON under /api/, the usual page elsewhere."""
    if request.path_info.startswith("/api/"):
        too_big = isinstance(exception, RequestDataTooBig)
        detail = "Request body too large." if too_big else "Bad request."
        return JsonResponse({"detail": detail}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception):
    """Django's 404 for a URL no route matches: JSON under /api/, the usual page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


api_urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("", include("grid.urls")),
    path("", include("engagement.urls")),
    path("", include("trending.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # Its start-up script as a file (/api/docs/?script=): nothing inline for the CSP to allow.
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="carnivore/swagger_ui.html"
        ),
        name="swagger-ui",
    ),
]

urlpatterns = [
    path("", include("grid.page_urls")),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    path("healthz", healthz, name="healthz"),
]
handler400 = bad_request
handler404 = not_found
