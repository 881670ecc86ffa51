from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0011_user_engagement_summary"),
    ]

    operations = [
        migrations.CreateModel(
            name="UserEngagementSummary",
            fields=[
                ("user_id", models.UUIDField(primary_key=True, serialize=False)),
                ("events", models.IntegerField()),
                ("views", models.IntegerField()),
                ("shares", models.IntegerField()),
                ("bookmarks", models.IntegerField()),
                ("comments", models.IntegerField()),
                ("reactions", models.IntegerField()),
                ("positive", models.IntegerField()),
                ("negative", models.IntegerField()),
                ("first_event_at", models.DateTimeField()),
                ("last_event_at", models.DateTimeField()),
            ],
            options={
                "db_table": "user_engagement_summary",
                "managed": False,
            },
        ),
    ]
