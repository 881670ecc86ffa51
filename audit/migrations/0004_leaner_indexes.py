import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_row_level_security"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="auditlog",
            name="audit_log_operation_recent",
        ),
        migrations.RemoveIndex(
            model_name="auditlog",
            name="audit_log_changed_at",
        ),
        migrations.RemoveIndex(
            model_name="auditlog",
            name="audit_log_record",
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(
                models.F("operation"),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("operation", "INSERT"), _negated=True),
                name="audit_log_changes_recent",
            ),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=django.contrib.postgres.indexes.BrinIndex(
                fields=["changed_at"], name="audit_log_changed_at_brin"
            ),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(
                condition=models.Q(("table_name", "content_engagement"), _negated=True),
                fields=["table_name", "record_id"],
                name="audit_log_record",
            ),
        ),
    ]
