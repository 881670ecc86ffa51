"""API permissions from the request's database identity (carnivore.db_context)."""

from rest_framework.permissions import BasePermission

from carnivore.db_context import ADMIN, AUDITOR


def _app_role(request) -> str | None:
    identity = getattr(request._request, "db_identity", None)
    return identity.app_role if identity and request.user.is_authenticated else None


class IsAdminRole(BasePermission):
    """Editors and superusers: callers whose claims carry app_metadata.role = admin."""

    message = "Only editors may do this."

    def has_permission(self, request, view) -> bool:
        return _app_role(request) == ADMIN


class IsStaffRole(BasePermission):
    """Editors, superusers and auditors."""

    message = "Only editors and auditors may see this."

    def has_permission(self, request, view) -> bool:
        return _app_role(request) in (ADMIN, AUDITOR)
