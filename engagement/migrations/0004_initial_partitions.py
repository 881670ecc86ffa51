"""The first months of content_engagement: this month and the next two. From then on the daily
job keeps them ahead (engagement/sql/engagement_ensure_partitions.sql). Reversing leaves them:
they go with the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("engagement", "0003_sql_objects_reading_grid")]

    operations = [
        migrations.RunSQL(
            "SELECT engagement_ensure_partitions(2)", reverse_sql=migrations.RunSQL.noop
        ),
    ]
