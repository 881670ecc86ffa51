from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trending", "0005_trending_sql"),
    ]

    operations = [
        migrations.CreateModel(
            name="CreatorPerformance",
            fields=[
                ("creator_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("creator_name", models.CharField(max_length=200)),
                ("channel_id", models.CharField(max_length=64, null=True)),
                ("subscriber_count", models.BigIntegerField()),
                ("videos", models.IntegerField()),
                ("total_views", models.BigIntegerField()),
                ("average_views", models.BigIntegerField()),
                ("average_score", models.DecimalField(decimal_places=2, max_digits=5)),
                ("weeks_seen", models.IntegerField()),
            ],
            options={
                "db_table": "creator_performance",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="TopicWeekRank",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "week_of",
                        "topic_slug",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("week_of", models.DateField()),
                ("rank", models.PositiveSmallIntegerField()),
                ("topic_slug", models.SlugField(max_length=200)),
                ("topic_name", models.CharField(max_length=300)),
                ("engagement_score", models.DecimalField(decimal_places=2, max_digits=5)),
            ],
            options={
                "db_table": "trending_topics_by_week",
                "managed": False,
            },
        ),
    ]
