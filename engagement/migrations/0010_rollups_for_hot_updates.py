"""Rollups are rewritten on every event: no modified_at, and room in each page for HOT updates."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0009_score_through_engagement_apply"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE engagement_rollups SET (fillfactor = 80)",
            reverse_sql="ALTER TABLE engagement_rollups RESET (fillfactor)",
        ),
        migrations.RemoveField(
            model_name="engagementrollup",
            name="modified_at",
        ),
    ]
