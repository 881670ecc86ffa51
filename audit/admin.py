"""The audit log in the back office: read-only for everyone (superusers included), filtered by
table, operation, user and date, each entry shown as a field-by-field diff of old and new values.

Built for a million rows and more: newest first by primary key, no full count (exact up to
EXACT_COUNT_LIMIT, the planner's estimate beyond), no sortable columns, no facet counts, and
every filter served by one of audit_log's indexes: (table_name, id desc), (changed_by, id desc),
(operation, id desc) for updates and deletes, the BRIN index on changed_at, (table_name,
record_id) for one record's history.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC
from functools import cached_property

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Paginator
from django.db.models import Q, TextField
from django.db.models.expressions import RawSQL
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from audit.models import EVENTS_TABLE, AuditLog
from audit.triggers import AuditRowChange
from carnivore.db_context import connecting_role
from carnivore.staff_admin import ReadOnlyAdmin, display_name, user_display_name, user_display_names
from carnivore.staff_groups import AUDITORS_GROUP, EDITORS_GROUP

EXACT_COUNT_LIMIT = 10_000
SYSTEM = "system"  # the changed_by filter's value for changes made without a user
# The columns an UPDATE changed, from its old and new values, computed by PostgreSQL for the
# rows of the page only (the values themselves, large, stay in the database). modified_at is
# left out: every real change moves it.
CHANGED_FIELDS = RawSQL(
    """
    CASE WHEN audit_log.operation = 'UPDATE' THEN ARRAY(
        SELECT n.key FROM jsonb_each(audit_log.new_values) AS n
        WHERE n.key <> 'modified_at' AND n.value IS DISTINCT FROM audit_log.old_values -> n.key
        ORDER BY n.key
    ) END
    """,
    (),
    output_field=ArrayField(TextField()),
)


class EstimatedCountPaginator(Paginator):
    """Count exactly up to EXACT_COUNT_LIMIT rows, and take the planner's estimate beyond:
    count(*) over a million rows would cost more than the page itself."""

    @cached_property
    def count(self) -> int:
        exact = self.object_list.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if exact <= EXACT_COUNT_LIMIT:
            return exact
        (plan,) = json.loads(self.object_list.order_by().explain(format="json"))
        return max(exact, int(plan["Plan"]["Plan Rows"]))


def audited_tables() -> list[str]:
    """Return the tables whose changes the audit triggers record."""
    audit_kinds = (AuditRowChange,)
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if any(isinstance(trigger, audit_kinds) for trigger in getattr(model._meta, "triggers", ()))
    )


def model_for_table(table_name: str):
    return next((m for m in apps.get_models() if m._meta.db_table == table_name), None)


@dataclass(frozen=True)
class FieldChange:
    """One column of an audited row: its value before and after, and whether it changed."""

    field: str
    old: str | None
    new: str | None
    changed: bool


def _shown(values: dict | None, name: str) -> str | None:
    if values is None or name not in values:
        return None
    value = values[name]
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def audit_diff(entry: AuditLog) -> list[FieldChange]:
    """Return the entry's columns in the table's order (unknown ones last), old beside new."""
    old, new = entry.old_values or {}, entry.new_values or {}
    names = old.keys() | new.keys()
    model = model_for_table(entry.table_name)
    columns = [f.column for f in model._meta.concrete_fields] if model else []
    ordered = [c for c in dict.fromkeys(columns) if c in names] + sorted(names - set(columns))
    return [
        FieldChange(
            field=name,
            old=_shown(entry.old_values, name),
            new=_shown(entry.new_values, name),
            changed=(name in old) != (name in new) or old.get(name) != new.get(name),
        )
        for name in ordered
    ]


class TableFilter(admin.SimpleListFilter):
    """The audited tables, from the models (a DISTINCT over the log would read every row)."""

    title = "table"
    parameter_name = "table_name"

    def lookups(self, request, model_admin):
        return [(table, table) for table in audited_tables()]

    def queryset(self, request, queryset):
        return queryset.filter(table_name=self.value()) if self.value() else queryset


class ChangedByFilter(admin.SimpleListFilter):
    """Staff by name (accounts read as the connecting role), and changes made by no user.
    Any user's id works in the URL too (`?changed_by=<uuid>`)."""

    title = "user"
    parameter_name = "changed_by"

    def lookups(self, request, model_admin):
        staff = Q(is_superuser=True) | Q(is_staff=True)
        staff |= Q(groups__name__in=[EDITORS_GROUP, AUDITORS_GROUP])
        with connecting_role():
            users = list(get_user_model().objects.filter(staff).distinct().order_by("username"))
        return [(SYSTEM, "System (no user)")] + [
            (str(user.pk), display_name(user)) for user in users
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == SYSTEM:
            return queryset.filter(changed_by__isnull=True)
        try:
            user_id = uuid.UUID(value)
        except ValueError as error:
            # Django's answer to a bad filter value: back to the list, flagged (?e=1).
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(changed_by=user_id)


class AuditChangeList(ChangeList):
    """The list without the old and new values (large), and with the names of who changed
    what, read in one query for the page."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer("old_values", "new_values").annotate(changed_fields=CHANGED_FIELDS)

    def get_results(self, request):
        super().get_results(request)
        names = user_display_names(entry.changed_by for entry in self.result_list)
        for entry in self.result_list:
            entry.changed_by_name = names.get(entry.changed_by)


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "when",
        "record",
        "operation",
        "changed",
        "who",
        "roles",
    )
    list_filter = (
        TableFilter,
        "operation",
        ChangedByFilter,
        ("changed_at", admin.DateFieldListFilter),
    )
    sortable_by = ()
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    fields = (
        "id",
        "changed_at",
        "table_name",
        "record_id",
        "operation",
        "who",
        "db_role",
        "app_role",
    )
    readonly_fields = fields

    def get_changelist(self, request, **kwargs):
        return AuditChangeList

    def lookup_allowed(self, lookup, value, request=None):
        # One record's history, linked from each entry: served by audit_log_record.
        return lookup == "record_id" or super().lookup_allowed(lookup, value, request)

    @admin.display(description="changed at (UTC)")
    def when(self, entry: AuditLog) -> str:
        return f"{entry.changed_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}"

    @admin.display(description="table and record")
    def record(self, entry: AuditLog) -> str:
        return f"{entry.table_name} #{entry.record_id}"

    @admin.display(description="changed fields")
    def changed(self, entry: AuditLog) -> str:
        """How many columns an UPDATE changed, then their names (cut short by the list's CSS;
        the cell's title names them all)."""
        fields = getattr(entry, "changed_fields", None)
        if not fields:
            return ""
        names = ", ".join(fields)
        return format_html(
            '<span class="changed-fields" title="{}">{}: {}</span>', names, len(fields), names
        )

    @admin.display(description="role")
    def roles(self, entry: AuditLog) -> str:
        """The database role, and the staff role of the claims when there was one."""
        if not entry.app_role:
            return entry.db_role
        return format_html('{}<span class="under">{}</span>', entry.db_role, entry.app_role)

    @admin.display(description="user")
    def who(self, entry: AuditLog) -> str:
        if entry.changed_by is None:
            return "system"
        if not hasattr(entry, "changed_by_name"):  # one entry's page: not named with its list
            entry.changed_by_name = user_display_name(entry.changed_by, default=None)
        return entry.changed_by_name or str(entry.changed_by)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            diff = audit_diff(obj)
            context.update(diff=diff, changed_count=sum(row.changed for row in diff))
            context["record_history_url"] = self.record_history_url(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def record_history_url(self, entry: AuditLog) -> str | None:
        """The list of every change to the entry's record; None for an engagement event, whose
        entry is its whole history (and audit_log_record leaves their rows out, so the lookup
        would scan them all)."""
        if entry.table_name == EVENTS_TABLE:
            return None
        history = urlencode({"table_name": entry.table_name, "record_id": entry.record_id})
        changelist = reverse(f"{self.admin_site.name}:audit_auditlog_changelist")
        return f"{changelist}?{history}"

    def history_view(self, request, object_id, extra_context=None):
        """Django's history of the audit entry itself would be empty (nobody edits one): the
        record's history is what an auditor is after."""
        entry = self.get_object(request, object_id)
        if entry is None or not self.has_view_permission(request, entry):
            return super().history_view(request, object_id, extra_context)
        target = self.record_history_url(entry) or reverse(
            f"{self.admin_site.name}:audit_auditlog_change", args=[entry.pk]
        )
        return HttpResponseRedirect(target)
