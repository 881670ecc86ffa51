import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.datetime
import django.db.models.lookups
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

import carnivore.triggers


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BentoGridItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
                    ),
                ),
                (
                    "modified_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
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
                ("content_title", models.CharField(max_length=500)),
                ("grid_position", models.SmallIntegerField(blank=True, null=True)),
                (
                    "engagement_score",
                    models.DecimalField(db_default=0, decimal_places=2, max_digits=5),
                ),
                ("base_score", models.DecimalField(db_default=0, decimal_places=2, max_digits=5)),
                ("events_24h", models.IntegerField(db_default=0)),
                (
                    "ranking_score",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Case(
                            models.When(events_24h__gt=0, then=models.F("engagement_score")),
                            default=models.F("base_score"),
                        ),
                        output_field=models.DecimalField(decimal_places=2, max_digits=5),
                    ),
                ),
                (
                    "score_source",
                    models.GeneratedField(
                        db_persist=True,
                        expression=models.Case(
                            models.When(events_24h__gt=0, then=models.Value("engagement")),
                            default=models.Value("base"),
                        ),
                        output_field=models.CharField(max_length=10),
                    ),
                ),
                ("view_count", models.BigIntegerField(db_default=0)),
                ("share_count", models.BigIntegerField(db_default=0)),
                ("bookmark_count", models.BigIntegerField(db_default=0)),
                (
                    "positive_sentiment_percent",
                    models.DecimalField(db_default=50, decimal_places=2, max_digits=5),
                ),
                ("scored_at", models.DateTimeField(blank=True, null=True)),
                ("data", models.JSONField(blank=True, db_default={})),
                ("is_active", models.BooleanField(db_default=True)),
                ("is_pinned", models.BooleanField(db_default=False)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "bento_grid_items",
                "ordering": [
                    models.OrderBy(models.F("grid_position"), nulls_last=True),
                    "-ranking_score",
                ],
            },
        ),
        migrations.CreateModel(
            name="EditorialItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
                    ),
                ),
                (
                    "modified_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("community_highlight", "Community highlight"),
                            ("research_update", "Research update"),
                        ],
                        max_length=32,
                    ),
                ),
                ("title", models.CharField(max_length=500)),
                ("summary", models.TextField(blank=True, db_default="")),
                ("url", models.URLField(blank=True, db_default="", max_length=500)),
                (
                    "tags",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=100),
                        blank=True,
                        db_default=[],
                        size=None,
                    ),
                ),
                ("is_active", models.BooleanField(db_default=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "editorial_items",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="GridRefreshRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("started_at", models.DateTimeField()),
                ("finished_at", models.DateTimeField()),
                ("duration_ms", models.FloatField()),
                ("items_ranked", models.IntegerField()),
                ("items_moved", models.IntegerField()),
                (
                    "triggered_by",
                    models.CharField(
                        choices=[
                            ("schedule", "Schedule"),
                            ("command", "Command"),
                            ("api", "Api"),
                            ("admin", "Admin"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
                    ),
                ),
                (
                    "new_hero",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="grid.bentogriditem",
                    ),
                ),
                (
                    "old_hero",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="grid.bentogriditem",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "grid_refresh_runs",
                "ordering": ["-started_at"],
            },
        ),
        migrations.CreateModel(
            name="UserInterest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
                    ),
                ),
                (
                    "modified_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
                    ),
                ),
                ("interests", models.JSONField(db_default=[])),
                (
                    "interest_tags",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=100), db_default=[], size=None
                    ),
                ),
                ("is_active", models.BooleanField(db_default=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="interests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "user_interests",
            },
        ),
        migrations.AddIndex(
            model_name="bentogriditem",
            index=models.Index(
                models.OrderBy(models.F("ranking_score"), descending=True),
                models.OrderBy(models.F("created_at"), descending=True),
                condition=models.Q(("is_active", True)),
                name="bento_grid_items_active_rank",
            ),
        ),
        migrations.AddIndex(
            model_name="bentogriditem",
            index=models.Index(
                condition=models.Q(("is_active", True)),
                fields=["grid_position"],
                name="bento_grid_items_active_pos",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.UniqueConstraint(
                fields=("content_type", "content_id"), name="bento_grid_items_content_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "content_type__in",
                        ["trending_topic", "top_video", "community_highlight", "research_update"],
                    )
                ),
                name="bento_grid_items_content_type_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(("content_id__gt", 0)),
                name="bento_grid_items_content_id_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(("content_title__regex", "^\\s*$"), _negated=True),
                name="bento_grid_items_title_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("grid_position__isnull", True),
                    models.Q(("grid_position__gte", 1), ("grid_position__lte", 100)),
                    _connector="OR",
                ),
                name="bento_grid_items_position_1_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(("engagement_score__gte", 0), ("engagement_score__lte", 100)),
                name="bento_grid_items_score_0_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(("base_score__gte", 0), ("base_score__lte", 100)),
                name="bento_grid_items_base_score_0_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("positive_sentiment_percent__gte", 0), ("positive_sentiment_percent__lte", 100)
                ),
                name="bento_grid_items_sentiment_0_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("bookmark_count__gte", 0),
                    ("events_24h__gte", 0),
                    ("share_count__gte", 0),
                    ("view_count__gte", 0),
                ),
                name="bento_grid_items_counts_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_pinned", False), ("grid_position__isnull", False), _connector="OR"
                ),
                name="bento_grid_items_pinned_has_position",
            ),
        ),
        migrations.AddConstraint(
            model_name="bentogriditem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True), ("is_pinned", True)),
                fields=("grid_position",),
                name="bento_grid_items_one_pin_per_position",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="bentogriditem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."base_score" IS DISTINCT FROM (NEW."base_score") OR OLD."bookmark_count" IS DISTINCT FROM (NEW."bookmark_count") OR OLD."content_id" IS DISTINCT FROM (NEW."content_id") OR OLD."content_title" IS DISTINCT FROM (NEW."content_title") OR OLD."content_type" IS DISTINCT FROM (NEW."content_type") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."data" IS DISTINCT FROM (NEW."data") OR OLD."engagement_score" IS DISTINCT FROM (NEW."engagement_score") OR OLD."events_24h" IS DISTINCT FROM (NEW."events_24h") OR OLD."grid_position" IS DISTINCT FROM (NEW."grid_position") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."is_pinned" IS DISTINCT FROM (NEW."is_pinned") OR OLD."positive_sentiment_percent" IS DISTINCT FROM (NEW."positive_sentiment_percent") OR OLD."scored_at" IS DISTINCT FROM (NEW."scored_at") OR OLD."share_count" IS DISTINCT FROM (NEW."share_count") OR OLD."view_count" IS DISTINCT FROM (NEW."view_count"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="bc427873616142f6f051cb16db434f214d8eb994",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_3ec4e",
                    table="bento_grid_items",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="bentogriditem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="soft_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE \"bento_grid_items\" SET is_active = false WHERE id = OLD.id; RAISE NOTICE 'soft delete: % % deactivated (is_active = false), not removed', TG_TABLE_NAME, OLD.id; RETURN NULL;",
                    hash="e74a43ff769da781baa52ca496482635df3df15d",
                    operation="DELETE",
                    pgid="pgtrigger_soft_delete_6ca98",
                    table="bento_grid_items",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="editorialitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["community_highlight", "research_update"])),
                name="editorial_items_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="editorialitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("title__regex", "^\\s*$"), _negated=True),
                name="editorial_items_title_not_blank",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="editorialitem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."summary" IS DISTINCT FROM (NEW."summary") OR OLD."tags" IS DISTINCT FROM (NEW."tags") OR OLD."title" IS DISTINCT FROM (NEW."title") OR OLD."url" IS DISTINCT FROM (NEW."url"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="5fbcf9f8cb0152e171014656793c4b0572df4eed",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_ba473",
                    table="editorial_items",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="editorialitem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="soft_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE \"editorial_items\" SET is_active = false WHERE id = OLD.id; RAISE NOTICE 'soft delete: % % deactivated (is_active = false), not removed', TG_TABLE_NAME, OLD.id; RETURN NULL;",
                    hash="9087995f2da5b55a9933155b3ec2924e1bc59854",
                    operation="DELETE",
                    pgid="pgtrigger_soft_delete_861c8",
                    table="editorial_items",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="gridrefreshrun",
            index=models.Index(fields=["-started_at"], name="grid_refresh_runs_recent"),
        ),
        migrations.AddConstraint(
            model_name="gridrefreshrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("triggered_by__in", ["schedule", "command", "api", "admin"])),
                name="grid_refresh_runs_trigger_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="gridrefreshrun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("duration_ms__gte", 0), ("items_moved__gte", 0), ("items_ranked__gte", 0)
                ),
                name="grid_refresh_runs_figures_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="gridrefreshrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("finished_at__gte", models.F("started_at"))),
                name="grid_refresh_runs_finish_after_start",
            ),
        ),
        migrations.AddIndex(
            model_name="userinterest",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["interest_tags"], name="user_interests_tags_gin"
            ),
        ),
        migrations.AddConstraint(
            model_name="userinterest",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.Exact(
                    models.Func(
                        models.F("interests"),
                        function="jsonb_typeof",
                        output_field=models.TextField(),
                    ),
                    "array",
                ),
                name="user_interests_interests_is_array",
            ),
        ),
        migrations.AddConstraint(
            model_name="userinterest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_active", False), ("interest_tags__len__gte", 1), _connector="OR"
                ),
                name="user_interests_active_has_tags",
            ),
        ),
        migrations.AddConstraint(
            model_name="userinterest",
            constraint=models.CheckConstraint(
                condition=models.Q(("interest_tags__len__lte", 20)),
                name="user_interests_at_most_20_tags",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="userinterest",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."interest_tags" IS DISTINCT FROM (NEW."interest_tags") OR OLD."interests" IS DISTINCT FROM (NEW."interests") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."user_id" IS DISTINCT FROM (NEW."user_id"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="e3da4b49fb00c1dec09e0c82298ad8f4a8123392",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_26f20",
                    table="user_interests",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="userinterest",
            trigger=carnivore.triggers.CompiledTrigger(
                name="soft_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE \"user_interests\" SET is_active = false WHERE id = OLD.id; RAISE NOTICE 'soft delete: % % deactivated (is_active = false), not removed', TG_TABLE_NAME, OLD.id; RETURN NULL;",
                    hash="e13df523a8a39ae75dcd9e09eb16a5b8b8a65499",
                    operation="DELETE",
                    pgid="pgtrigger_soft_delete_29e52",
                    table="user_interests",
                    when="BEFORE",
                ),
            ),
        ),
    ]
