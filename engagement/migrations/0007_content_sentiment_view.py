from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0006_scoring_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentSentiment",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "content_type",
                        "content_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "content_type",
                    models.CharField(
                        choices=[
                            ("trending_topic", "Trending topic"),
                            ("top_video", "Top video"),
                            ("community_highlight", "Community highlight"),
                            ("research_update", "Research update"),
                        ],
                        max_length=32,
                    ),
                ),
                ("content_id", models.BigIntegerField()),
                ("events", models.IntegerField()),
                ("positive", models.IntegerField()),
                ("negative", models.IntegerField()),
                ("neutral", models.IntegerField()),
                ("positive_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                ("negative_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                ("neutral_percent", models.DecimalField(decimal_places=2, max_digits=5)),
            ],
            options={
                "db_table": "engagement_sentiment_7d",
                "ordering": ["content_type", "content_id"],
                "managed": False,
            },
        ),
    ]
