"""What every back-office ModelAdmin shares: no hard delete, database refusals said politely,
edits that write only what the form changed, and the read-only variant.

The admin runs under the caller's database role and claims (carnivore.db_context), so the
database may refuse what a page offers: row-level security (a permission error) or a constraint
(two pins at one position). Each view runs in a savepoint; a refusal rolls it back and the
editor gets a message on a normal page, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, models, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from psycopg import errors

from carnivore.admin_site import ChangeLogAsConnectingRole, render_now
from carnivore.db_context import connecting_role

NOT_ALLOWED = "The database refused this for your role: nothing was changed."


def refusal_message(error: DatabaseError, model: type[models.Model]) -> str | None:
    """Return what to tell the editor about a refused statement, or None if it is a real fault.

    A broken constraint of `model` is told in the constraint's own words, the same the admin's
    forms show when they catch it first (`violation_error_message`).
    """
    cause = error.__cause__
    if isinstance(cause, errors.InsufficientPrivilege):
        return NOT_ALLOWED
    if not (isinstance(error, IntegrityError) and isinstance(cause, errors.IntegrityError)):
        return None
    constraints = {constraint.name: constraint for constraint in model._meta.constraints}
    constraint = constraints.get(cause.diag.constraint_name)
    reason = constraint.get_violation_error_message() if constraint else cause.diag.message_primary
    return f"Nothing was changed: {reason}"


def display_name(user) -> str:
    """How the back office names a person: their full name, or their username."""
    return user.get_full_name() or user.username


def user_display_names(user_ids: Iterable) -> dict:
    """Return {user id: display name}, read as the connecting role (no API role may read
    accounts)."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    with connecting_role():
        rows = get_user_model().objects.filter(pk__in=ids)
        return {user.pk: display_name(user) for user in rows}


def user_display_name(user_id, default: str | None = "—") -> str | None:
    """The display name of one user (`default` for none, or one that is gone)."""
    return user_display_names([user_id]).get(user_id, default)


class StaffModelAdmin(ChangeLogAsConnectingRole, admin.ModelAdmin):
    """A ModelAdmin for application tables: soft delete only, refusals become messages."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        return False  # rows are soft-deleted by actions; nothing is ever removed

    def answer_refusals(self, request, view: Callable[..., HttpResponse], *args, **kwargs):
        """Run `view` in a savepoint; turn a database refusal into a message and a redirect
        (back to the page for a POST, to the index for a read)."""
        try:
            with transaction.atomic():
                return render_now(view(request, *args, **kwargs))
        except DatabaseError as error:
            message = refusal_message(error, self.model)
            if message is None:
                raise
        self.message_user(request, message, messages.ERROR)
        if request.method == "POST":
            return HttpResponseRedirect(request.get_full_path())
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:index"))

    def changeform_view(self, request, *args, **kwargs):
        return self.answer_refusals(request, super().changeform_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self.answer_refusals(request, super().changelist_view, *args, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None:
            return fields
        # An add form shows what can be typed; what the database fills in shows once saved.
        read_only = set(self.get_readonly_fields(request, obj))
        return [name for name in fields if name not in read_only]

    def save_model(self, request, obj, form, change):
        # Write back only what the form changed: other columns (scores, counts) move under
        # triggers and imports while the form is open, and the form's copies are stale.
        if not change:
            obj.save()
        elif form.changed_data:
            obj.save(update_fields=form.changed_data)


class ReadOnlyAdmin(StaffModelAdmin):
    """Lists and pages to read, for everyone: nothing is added or changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """History shown under a row, never edited there."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
