import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditLog",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("table_name", models.CharField(max_length=63)),
                ("record_id", models.CharField(max_length=64)),
                (
                    "operation",
                    models.CharField(
                        choices=[("INSERT", "Insert"), ("UPDATE", "Update"), ("DELETE", "Delete")],
                        max_length=6,
                    ),
                ),
                ("old_values", models.JSONField(blank=True, null=True)),
                ("new_values", models.JSONField(blank=True, null=True)),
                ("changed_by", models.UUIDField(blank=True, null=True)),
                (
                    "changed_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
                ("db_role", models.CharField(max_length=63)),
                ("app_role", models.CharField(blank=True, max_length=32, null=True)),
            ],
            options={
                "db_table": "audit_log",
                "ordering": ["-id"],
                "indexes": [
                    models.Index(
                        models.F("table_name"),
                        models.OrderBy(models.F("id"), descending=True),
                        name="audit_log_table_recent",
                    ),
                    models.Index(
                        models.F("changed_by"),
                        models.OrderBy(models.F("id"), descending=True),
                        name="audit_log_user_recent",
                    ),
                    models.Index(
                        models.F("operation"),
                        models.OrderBy(models.F("id"), descending=True),
                        name="audit_log_operation_recent",
                    ),
                    models.Index(fields=["changed_at"], name="audit_log_changed_at"),
                    models.Index(fields=["table_name", "record_id"], name="audit_log_record"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("operation__in", ["INSERT", "UPDATE", "DELETE"])),
                        name="audit_log_operation_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("operation", "INSERT"),
                                ("old_values__isnull", True),
                                ("new_values__isnull", False),
                            ),
                            models.Q(
                                ("operation", "UPDATE"),
                                ("old_values__isnull", False),
                                ("new_values__isnull", False),
                            ),
                            models.Q(
                                ("operation", "DELETE"),
                                ("old_values__isnull", False),
                                ("new_values__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="audit_log_values_match_operation",
                    ),
                ],
            },
        ),
    ]
