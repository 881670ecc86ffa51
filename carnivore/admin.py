"""Admin registrations of Django's own tables: accounts, the job queue and the sign-in attempts
(superusers only)."""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from carnivore.admin_site import FrameworkTableAdmin, render_now
from carnivore.db_context import connecting_role
from carnivore.models import User


@admin.register(User)
class AccountUserAdmin(FrameworkTableAdmin, UserAdmin):
    def user_change_password(self, *args, **kwargs):
        with connecting_role():
            return render_now(super().user_change_password(*args, **kwargs))


def _reregister_as_framework_table(model) -> None:
    """Replace another app's admin for `model` with the same admin run as the connecting role."""
    original = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    admin.site.register(model, type(original.__name__, (FrameworkTableAdmin, original), {}))


# The job queue's pages (django_q) and the sign-in attempts' (axes, carnivore.login_throttling).
_framework_apps = ("django_q", "axes")
for _model in (
    Group,
    *(m for app in _framework_apps for m in apps.get_app_config(app).get_models()),
):
    if admin.site.is_registered(_model):
        _reregister_as_framework_table(_model)


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ReaderTokenAdmin(FrameworkTableAdmin, TokenAdmin):
    """API tokens (`Authorization: Token <key>`): superusers give a reader one or take it back.
    The keys are credentials, so only superusers see them (auditors neither)."""

    raw_id_fields = ("user",)  # a search among the accounts, not a list of every one of them
