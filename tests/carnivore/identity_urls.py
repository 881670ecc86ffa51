"""Views that report what the database sees during a request (for test_request_identity)."""

from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.urls import path, re_path


def database_view(request):
    """Return the role, the claims' user and the interests rows the request may see."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, auth.uid()::text, has_table_privilege('user_interests', 'SELECT')"
        )
        role, uid, may_read = cursor.fetchone()
        visible = None
        if may_read:
            cursor.execute(
                "SELECT coalesce(array_agg(user_id::text ORDER BY user_id), '{}') FROM user_interests"
            )
            visible = cursor.fetchone()[0]
    return JsonResponse({"role": role, "uid": uid, "visible": visible})


def failing_view(request):
    """Touch the database under the request's role, then fail."""
    database_view(request)
    raise RuntimeError("the view failed")


def savepoint_first_view(request):
    """Start with a savepoint that rolls back, then report as database_view does."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
    except DatabaseError:
        pass
    return database_view(request)


def no_database_view(request):
    return JsonResponse({"ok": True})


def sqlstate_view(request, sqlstate: str):
    """Fail with an error of this SQLSTATE raised by the server."""
    with connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '{sqlstate}'; END $$")
    return JsonResponse({"ok": True})


urlpatterns = [
    path("db/", database_view),
    path("fail/", failing_view),
    path("savepoint-first/", savepoint_first_view),
    path("no-db/", no_database_view),
    re_path(r"^sqlstate/(?P<sqlstate>[0-9A-Z]{5})/$", sqlstate_view),  # five characters, no quote
]
