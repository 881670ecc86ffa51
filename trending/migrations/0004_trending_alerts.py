import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trending", "0003_row_level_security"),
    ]

    operations = [
        migrations.CreateModel(
            name="TrendingAlert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        choices=[("new_topic", "New Topic"), ("score_jump", "Score Jump")],
                        max_length=16,
                    ),
                ),
                ("payload", models.JSONField()),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
                    ),
                ),
                ("attempts", models.IntegerField(db_default=0)),
                (
                    "next_attempt_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "failed_at",
                    models.DateTimeField(
                        blank=True, help_text="Given up after the last retry.", null=True
                    ),
                ),
                ("last_status", models.IntegerField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True, db_default="")),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="alerts",
                        to="trending.trendingtopic",
                    ),
                ),
            ],
            options={
                "db_table": "trending_alerts",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        condition=models.Q(
                            ("delivered_at__isnull", True), ("failed_at__isnull", True)
                        ),
                        fields=["next_attempt_at"],
                        name="trending_alerts_due",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("event__in", ["new_topic", "score_jump"])),
                        name="trending_alerts_event_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("attempts__gte", 0)),
                        name="trending_alerts_attempts_not_negative",
                    ),
                ],
            },
        ),
    ]
