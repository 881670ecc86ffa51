"""The audit log: one row per INSERT, UPDATE and DELETE on the audited tables, never changed."""

from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from carnivore.triggers import AppendOnly, RefuseTruncate

# The engagement events: insert-only and by far the most rows, so no per-record index.
EVENTS_TABLE = "content_engagement"


class Operation(models.TextChoices):
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"


class AuditLog(models.Model):
    """What changed, when, by whom (the claims' `sub`) and under which database and app role."""

    id = models.BigAutoField(primary_key=True)
    table_name = models.CharField(max_length=63)
    record_id = models.CharField(max_length=64)
    operation = models.CharField(max_length=6, choices=Operation.choices)
    old_values = models.JSONField(null=True, blank=True)
    new_values = models.JSONField(null=True, blank=True)
    changed_by = models.UUIDField(null=True, blank=True)
    changed_at = models.DateTimeField(db_default=Now())
    db_role = models.CharField(max_length=63)
    app_role = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001 - NULL: no claims

    class Meta:
        db_table = "audit_log"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(operation__in=Operation.values), name="audit_log_operation_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(operation=Operation.INSERT)
                    & Q(old_values__isnull=True)
                    & Q(new_values__isnull=False)
                )
                | (
                    Q(operation=Operation.UPDATE)
                    & Q(old_values__isnull=False)
                    & Q(new_values__isnull=False)
                )
                | (
                    Q(operation=Operation.DELETE)
                    & Q(old_values__isnull=False)
                    & Q(new_values__isnull=True)
                ),
                name="audit_log_values_match_operation",
            ),
        ]
        # Every engagement event adds an audit row: its indexes are kept to what the admin's
        # list needs at a million rows (newest first; by table, user, operation or date).
        indexes = [
            models.Index(F("table_name"), F("id").desc(), name="audit_log_table_recent"),
            models.Index(F("changed_by"), F("id").desc(), name="audit_log_user_recent"),
            # Inserts are most rows and are found by scanning newest first; the rarer updates
            # and deletes get an index of their own.
            models.Index(
                F("operation"),
                F("id").desc(),
                condition=~Q(operation=Operation.INSERT),
                name="audit_log_changes_recent",
            ),
            BrinIndex(fields=["changed_at"], name="audit_log_changed_at_brin"),
            models.Index(
                fields=["table_name", "record_id"],
                condition=~Q(table_name=EVENTS_TABLE),
                name="audit_log_record",
            ),
        ]
        triggers = [AppendOnly(), RefuseTruncate()]

    def __str__(self) -> str:
        return f"{self.operation} {self.table_name} #{self.record_id}"
