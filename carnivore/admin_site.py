"""The admin site and the ModelAdmin mixins every app's admin uses.

Every admin request runs under the caller's database role and claims (carnivore.db_context),
so row-level security decides what an editor or auditor may see and change. Django's own
tables — the admin's change log and the accounts — are not granted to any API role; the views
that read or write them do so as the connecting role, and only superusers manage accounts.

Pages beyond the models' own (engagement's dashboard, grid's homepage preview) belong to their
apps: an app's `admin.py` adds its views (`register_view`) and lists them on the index
(`register_page`), so that the site names no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse

from carnivore.db_context import connecting_role


def render_now(response):
    """Render a lazy TemplateResponse now, so that its queries run inside the caller's block."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


@dataclass(frozen=True)
class BackOfficePage:
    """A page listed in the index's "Back office" table, for those holding `permission`."""

    title: str
    url_name: str  # in the admin site's namespace
    description: str  # HTML-safe: plain text, or built with format_html
    permission: str


class CarnivoreAdminSite(admin.AdminSite):
    site_header = "Carnivore Weekly back office"
    site_title = "Carnivore Weekly"
    index_title = "Back office"
    index_template = "admin/back_office_index.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._views: list[URLPattern] = []
        self._pages: dict[str, BackOfficePage] = {}

    def register_view(
        self, route: str, view: Callable[[HttpRequest], HttpResponse], *, name: str
    ) -> None:
        """Serve `view` at `route` under the site, to active staff only, named `name`.

        Args:
            route: the path below the site's root, e.g. "dashboard/".
            view: the view; it checks the permissions it needs itself.
            name: the URL name in the site's namespace ("admin:<name>").
        """
        self._views.append(path(route, self.admin_view(view), name=name))

    def register_page(self, page: BackOfficePage) -> None:
        """List `page` on the index (by title; registering a title again replaces it)."""
        self._pages[page.title] = page

    def back_office_pages(self, request: HttpRequest) -> list[dict]:
        """Return the registered pages `request.user` may open, by title, with their URLs."""
        return [
            {
                "title": page.title,
                "url": reverse(f"{self.name}:{page.url_name}"),
                "description": page.description,
            }
            for _, page in sorted(self._pages.items())
            if request.user.has_perm(page.permission)
        ]

    def get_urls(self):
        return [*self._views, *super().get_urls()]

    def index(self, request, extra_context=None):
        # The index lists the user's recent actions from Django's change log, and reads the
        # user's permissions: both Django tables.
        with connecting_role():
            pages = self.back_office_pages(request)
            context = {"back_office_pages": pages, **(extra_context or {})}
            return render_now(super().index(request, context))

    def password_change(self, request, extra_context=None):
        # Writes the user's password, and moves their session to a new key (the old one and
        # every other session of theirs stop working): Django's own tables.
        with connecting_role():
            return render_now(super().password_change(request, extra_context))


class ChangeLogAsConnectingRole:
    """ModelAdmin mixin: Django's change log (django_admin_log) read and written as the
    connecting role; the audit_log triggers record the data changes themselves."""

    def log_addition(self, request, obj, message):
        with connecting_role():
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        with connecting_role():
            return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        with connecting_role():
            return super().log_deletions(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        with connecting_role():
            return render_now(super().history_view(request, object_id, extra_context))


class FrameworkTableAdmin:
    """ModelAdmin mixin for Django's own tables (accounts, job queue): superusers only, and run
    as the connecting role throughout, since no API role may read these tables."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def changeform_view(self, *args, **kwargs):
        with connecting_role():
            return render_now(super().changeform_view(*args, **kwargs))

    def changelist_view(self, *args, **kwargs):
        with connecting_role():
            return render_now(super().changelist_view(*args, **kwargs))

    def delete_view(self, *args, **kwargs):
        with connecting_role():
            return render_now(super().delete_view(*args, **kwargs))

    def history_view(self, *args, **kwargs):
        with connecting_role():
            return render_now(super().history_view(*args, **kwargs))
