import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0005_grid_items_for_hot_updates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="bentogriditem",
            name="bookmarks_24h",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="bentogriditem",
            name="events_7d",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="bentogriditem",
            name="positive_24h",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="bentogriditem",
            name="positive_7d",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="bentogriditem",
            name="shares_24h",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddField(
            model_name="bentogriditem",
            name="views_24h",
            field=models.IntegerField(db_default=0),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("bookmarks_24h__gte", 0),
                    (
                        "events_24h__gte",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("views_24h"), "+", models.F("shares_24h")
                            ),
                            "+",
                            models.F("bookmarks_24h"),
                        ),
                    ),
                    ("events_7d__gte", models.F("events_24h")),
                    ("positive_24h__gte", 0),
                    ("positive_7d__gte", models.F("positive_24h")),
                    ("shares_24h__gte", 0),
                    ("views_24h__gte", 0),
                ),
                name="bento_grid_items_window_sums_fit",
            ),
        ),
    ]
