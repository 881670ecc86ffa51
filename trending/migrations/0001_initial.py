import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.datetime
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

import carnivore.triggers


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="TopicWeek",
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
                ("rank", models.PositiveSmallIntegerField()),
                ("engagement_score", models.DecimalField(decimal_places=2, max_digits=5)),
                ("entry", models.JSONField(db_default={})),
            ],
            options={
                "db_table": "trending_topic_weeks",
                "ordering": ["report", "rank"],
            },
        ),
        migrations.CreateModel(
            name="TopVideo",
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
                ("video_id", models.CharField(max_length=32, unique=True)),
                ("title", models.CharField(max_length=500)),
                ("description", models.TextField(blank=True, db_default="")),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                ("views", models.BigIntegerField(db_default=0)),
                ("likes", models.BigIntegerField(db_default=0)),
                ("comments", models.BigIntegerField(db_default=0)),
                ("duration_seconds", models.IntegerField(blank=True, null=True)),
                (
                    "tags",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=200),
                        blank=True,
                        db_default=[],
                        size=None,
                    ),
                ),
                ("comment_sentiment", models.JSONField(blank=True, db_default={})),
                ("relevance_score", models.SmallIntegerField(blank=True, null=True)),
                (
                    "engagement_score",
                    models.DecimalField(db_default=0, decimal_places=2, max_digits=5),
                ),
                ("thumbnail_url", models.URLField(blank=True, db_default="", max_length=500)),
                ("full_data", models.JSONField(blank=True, db_default={})),
                ("is_active", models.BooleanField(db_default=True)),
            ],
            options={
                "db_table": "top_videos",
                "ordering": ["-engagement_score", "-published_at"],
            },
        ),
        migrations.CreateModel(
            name="TrendingTopic",
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
                ("topic_slug", models.SlugField(max_length=200, unique=True)),
                ("topic_name", models.CharField(max_length=300)),
                ("description", models.TextField(blank=True, db_default="")),
                (
                    "engagement_score",
                    models.DecimalField(db_default=0, decimal_places=2, max_digits=5),
                ),
                ("mention_count", models.IntegerField(db_default=0)),
                (
                    "creators_array",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), blank=True, db_default=[], size=None
                    ),
                ),
                (
                    "tags",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=100),
                        blank=True,
                        db_default=[],
                        size=None,
                    ),
                ),
                ("full_data", models.JSONField(blank=True, db_default={})),
                ("first_seen_week", models.DateField(blank=True, null=True)),
                ("last_seen_week", models.DateField(blank=True, null=True)),
                ("is_active", models.BooleanField(db_default=True)),
            ],
            options={
                "db_table": "trending_topics",
                "ordering": ["-engagement_score", "-last_seen_week"],
            },
        ),
        migrations.CreateModel(
            name="VideoWeek",
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
                ("rank", models.PositiveSmallIntegerField()),
                ("views", models.BigIntegerField(db_default=0)),
                ("likes", models.BigIntegerField(db_default=0)),
                ("comments", models.BigIntegerField(db_default=0)),
                ("engagement_score", models.DecimalField(decimal_places=2, max_digits=5)),
                ("entry", models.JSONField(db_default={})),
            ],
            options={
                "db_table": "top_video_weeks",
                "ordering": ["crawl", "rank"],
            },
        ),
        migrations.CreateModel(
            name="WeeklyReport",
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
                ("week_of", models.DateField(unique=True)),
                ("generated_at", models.DateTimeField()),
                ("weekly_summary", models.TextField(blank=True, db_default="")),
                ("key_insights", models.TextField(blank=True, db_default="")),
                ("qa_section", models.JSONField(blank=True, db_default=[])),
                ("source_file", models.CharField(blank=True, db_default="", max_length=500)),
                ("source_sha256", models.CharField(blank=True, db_default="", max_length=64)),
            ],
            options={
                "db_table": "weekly_reports",
                "ordering": ["-week_of"],
            },
        ),
        migrations.CreateModel(
            name="YoutubeCrawl",
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
                ("collected_on", models.DateField(unique=True)),
                ("collected_at", models.DateTimeField()),
                ("total_videos_found", models.IntegerField(db_default=0)),
                (
                    "search_queries",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), blank=True, db_default=[], size=None
                    ),
                ),
                ("source_file", models.CharField(blank=True, db_default="", max_length=500)),
                ("source_sha256", models.CharField(blank=True, db_default="", max_length=64)),
            ],
            options={
                "db_table": "youtube_crawls",
                "ordering": ["-collected_on"],
            },
        ),
        migrations.CreateModel(
            name="Creator",
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
                ("channel_id", models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ("creator_name", models.CharField(max_length=200, unique=True)),
                ("handle", models.CharField(blank=True, max_length=100, null=True, unique=True)),
                ("bio", models.TextField(blank=True, db_default="")),
                ("tagline", models.CharField(blank=True, db_default="", max_length=300)),
                ("specialty", models.CharField(blank=True, db_default="", max_length=200)),
                ("avatar_url", models.URLField(blank=True, db_default="", max_length=500)),
                ("verified", models.BooleanField(db_default=False)),
                ("subscriber_count", models.BigIntegerField(db_default=0)),
                ("monthly_video_count", models.IntegerField(db_default=0)),
                ("average_views_per_video", models.BigIntegerField(db_default=0)),
                (
                    "focus_areas",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=100),
                        blank=True,
                        db_default=[],
                        size=None,
                    ),
                ),
                ("website_url", models.URLField(blank=True, db_default="", max_length=500)),
                ("twitter_handle", models.CharField(blank=True, db_default="", max_length=100)),
                ("leaderboard_rank", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("full_data", models.JSONField(blank=True, db_default={})),
                ("is_active", models.BooleanField(db_default=True)),
            ],
            options={
                "db_table": "creators",
                "ordering": ["creator_name"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["focus_areas"], name="creators_focus_areas_gin"
                    ),
                    models.Index(
                        condition=models.Q(("is_active", True)),
                        fields=["-subscriber_count"],
                        name="creators_active_by_subscribers",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("creator_name__regex", "^\\s*$"), _negated=True),
                        name="creators_name_not_blank",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("subscriber_count__gte", 0)),
                        name="creators_subscribers_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("monthly_video_count__gte", 0)),
                        name="creators_monthly_videos_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("average_views_per_video__gte", 0)),
                        name="creators_average_views_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("handle__isnull", True),
                            models.Q(("handle__regex", "^\\s*$"), _negated=True),
                            _connector="OR",
                        ),
                        name="creators_handle_not_blank",
                    ),
                ],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="creator",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."avatar_url" IS DISTINCT FROM (NEW."avatar_url") OR OLD."average_views_per_video" IS DISTINCT FROM (NEW."average_views_per_video") OR OLD."bio" IS DISTINCT FROM (NEW."bio") OR OLD."channel_id" IS DISTINCT FROM (NEW."channel_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."creator_name" IS DISTINCT FROM (NEW."creator_name") OR OLD."focus_areas" IS DISTINCT FROM (NEW."focus_areas") OR OLD."full_data" IS DISTINCT FROM (NEW."full_data") OR OLD."handle" IS DISTINCT FROM (NEW."handle") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."leaderboard_rank" IS DISTINCT FROM (NEW."leaderboard_rank") OR OLD."monthly_video_count" IS DISTINCT FROM (NEW."monthly_video_count") OR OLD."specialty" IS DISTINCT FROM (NEW."specialty") OR OLD."subscriber_count" IS DISTINCT FROM (NEW."subscriber_count") OR OLD."tagline" IS DISTINCT FROM (NEW."tagline") OR OLD."twitter_handle" IS DISTINCT FROM (NEW."twitter_handle") OR OLD."verified" IS DISTINCT FROM (NEW."verified") OR OLD."website_url" IS DISTINCT FROM (NEW."website_url"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="a30ed545850b93b97ad89911b1b060893a902d0e",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_b0ea1",
                    table="creators",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="creator",
            trigger=carnivore.triggers.CompiledTrigger(
                name="soft_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE \"creators\" SET is_active = false WHERE id = OLD.id; RAISE NOTICE 'soft delete: % % deactivated (is_active = false), not removed', TG_TABLE_NAME, OLD.id; RETURN NULL;",
                    hash="dab467b8446d6eb9eb123e8750fab2042650ec28",
                    operation="DELETE",
                    pgid="pgtrigger_soft_delete_a1609",
                    table="creators",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddField(
            model_name="topvideo",
            name="creator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="videos",
                to="trending.creator",
            ),
        ),
        migrations.AddIndex(
            model_name="trendingtopic",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["creators_array"], name="trending_topics_creators_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="trendingtopic",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["tags"], name="trending_topics_tags_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="trendingtopic",
            index=models.Index(
                condition=models.Q(("is_active", True)),
                fields=["-engagement_score", "-last_seen_week"],
                name="trending_topics_active_rank",
            ),
        ),
        migrations.AddConstraint(
            model_name="trendingtopic",
            constraint=models.CheckConstraint(
                condition=models.Q(("topic_name__regex", "^\\s*$"), _negated=True),
                name="trending_topics_name_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="trendingtopic",
            constraint=models.CheckConstraint(
                condition=models.Q(("topic_slug", ""), _negated=True),
                name="trending_topics_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="trendingtopic",
            constraint=models.CheckConstraint(
                condition=models.Q(("engagement_score__gte", 0), ("engagement_score__lte", 100)),
                name="trending_topics_score_0_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="trendingtopic",
            constraint=models.CheckConstraint(
                condition=models.Q(("mention_count__gte", 0)),
                name="trending_topics_mentions_not_negative",
            ),
        ),
        migrations.AddField(
            model_name="topicweek",
            name="topic",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="weeks",
                to="trending.trendingtopic",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="trendingtopic",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."creators_array" IS DISTINCT FROM (NEW."creators_array") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."engagement_score" IS DISTINCT FROM (NEW."engagement_score") OR OLD."first_seen_week" IS DISTINCT FROM (NEW."first_seen_week") OR OLD."full_data" IS DISTINCT FROM (NEW."full_data") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."last_seen_week" IS DISTINCT FROM (NEW."last_seen_week") OR OLD."mention_count" IS DISTINCT FROM (NEW."mention_count") OR OLD."tags" IS DISTINCT FROM (NEW."tags") OR OLD."topic_name" IS DISTINCT FROM (NEW."topic_name") OR OLD."topic_slug" IS DISTINCT FROM (NEW."topic_slug"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="2cb115333da11cfd3b3d7ef5d55ba5ba2d39819a",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_f6454",
                    table="trending_topics",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="trendingtopic",
            trigger=carnivore.triggers.CompiledTrigger(
                name="soft_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE \"trending_topics\" SET is_active = false WHERE id = OLD.id; RAISE NOTICE 'soft delete: % % deactivated (is_active = false), not removed', TG_TABLE_NAME, OLD.id; RETURN NULL;",
                    hash="1aa5954f12ede48795d1382d4f0c8e03ab28b8f7",
                    operation="DELETE",
                    pgid="pgtrigger_soft_delete_e3eef",
                    table="trending_topics",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddField(
            model_name="videoweek",
            name="video",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="weeks",
                to="trending.topvideo",
            ),
        ),
        migrations.AddConstraint(
            model_name="weeklyreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source_sha256", ""),
                    ("source_sha256__regex", "^[0-9a-f]{64}$"),
                    _connector="OR",
                ),
                name="weekly_reports_sha256_hex",
            ),
        ),
        migrations.AddField(
            model_name="topicweek",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="topic_weeks",
                to="trending.weeklyreport",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="weeklyreport",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."generated_at" IS DISTINCT FROM (NEW."generated_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."key_insights" IS DISTINCT FROM (NEW."key_insights") OR OLD."qa_section" IS DISTINCT FROM (NEW."qa_section") OR OLD."source_file" IS DISTINCT FROM (NEW."source_file") OR OLD."source_sha256" IS DISTINCT FROM (NEW."source_sha256") OR OLD."week_of" IS DISTINCT FROM (NEW."week_of") OR OLD."weekly_summary" IS DISTINCT FROM (NEW."weekly_summary"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="557ecae468d774a38a788b23530836f129eb3f29",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_a96c6",
                    table="weekly_reports",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="youtubecrawl",
            constraint=models.CheckConstraint(
                condition=models.Q(("total_videos_found__gte", 0)),
                name="youtube_crawls_total_not_negative",
            ),
        ),
        migrations.AddField(
            model_name="videoweek",
            name="crawl",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="video_weeks",
                to="trending.youtubecrawl",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="youtubecrawl",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."collected_at" IS DISTINCT FROM (NEW."collected_at") OR OLD."collected_on" IS DISTINCT FROM (NEW."collected_on") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."search_queries" IS DISTINCT FROM (NEW."search_queries") OR OLD."source_file" IS DISTINCT FROM (NEW."source_file") OR OLD."source_sha256" IS DISTINCT FROM (NEW."source_sha256") OR OLD."total_videos_found" IS DISTINCT FROM (NEW."total_videos_found"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="b3da4172aef1f89b2e7b06cd86676ddb7108acc1",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_44d36",
                    table="youtube_crawls",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="topvideo",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["tags"], name="top_videos_tags_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="topvideo",
            index=models.Index(
                condition=models.Q(("is_active", True)),
                fields=["-engagement_score", "-published_at"],
                name="top_videos_active_rank",
            ),
        ),
        migrations.AddConstraint(
            model_name="topvideo",
            constraint=models.CheckConstraint(
                condition=models.Q(("title__regex", "^\\s*$"), _negated=True),
                name="top_videos_title_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="topvideo",
            constraint=models.CheckConstraint(
                condition=models.Q(("video_id__regex", "^\\s*$"), _negated=True),
                name="top_videos_video_id_not_blank",
            ),
        ),
        migrations.AddConstraint(
            model_name="topvideo",
            constraint=models.CheckConstraint(
                condition=models.Q(("views__gte", 0)), name="top_videos_views_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="topvideo",
            constraint=models.CheckConstraint(
                condition=models.Q(("likes__gte", 0)), name="top_videos_likes_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="topvideo",
            constraint=models.CheckConstraint(
                condition=models.Q(("comments__gte", 0)), name="top_videos_comments_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="topvideo",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("duration_seconds__isnull", True),
                    ("duration_seconds__gte", 0),
                    _connector="OR",
                ),
                name="top_videos_duration_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="topvideo",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("relevance_score__isnull", True),
                    models.Q(("relevance_score__gte", 0), ("relevance_score__lte", 10)),
                    _connector="OR",
                ),
                name="top_videos_relevance_0_10",
            ),
        ),
        migrations.AddConstraint(
            model_name="topvideo",
            constraint=models.CheckConstraint(
                condition=models.Q(("engagement_score__gte", 0), ("engagement_score__lte", 100)),
                name="top_videos_score_0_100",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="topvideo",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."comment_sentiment" IS DISTINCT FROM (NEW."comment_sentiment") OR OLD."comments" IS DISTINCT FROM (NEW."comments") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."creator_id" IS DISTINCT FROM (NEW."creator_id") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."duration_seconds" IS DISTINCT FROM (NEW."duration_seconds") OR OLD."engagement_score" IS DISTINCT FROM (NEW."engagement_score") OR OLD."full_data" IS DISTINCT FROM (NEW."full_data") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."likes" IS DISTINCT FROM (NEW."likes") OR OLD."published_at" IS DISTINCT FROM (NEW."published_at") OR OLD."relevance_score" IS DISTINCT FROM (NEW."relevance_score") OR OLD."tags" IS DISTINCT FROM (NEW."tags") OR OLD."thumbnail_url" IS DISTINCT FROM (NEW."thumbnail_url") OR OLD."title" IS DISTINCT FROM (NEW."title") OR OLD."video_id" IS DISTINCT FROM (NEW."video_id") OR OLD."views" IS DISTINCT FROM (NEW."views"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="4d03c4a5ebd2830886e46ee034274df1da1aefd4",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_90170",
                    table="top_videos",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="topvideo",
            trigger=carnivore.triggers.CompiledTrigger(
                name="soft_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="UPDATE \"top_videos\" SET is_active = false WHERE id = OLD.id; RAISE NOTICE 'soft delete: % % deactivated (is_active = false), not removed', TG_TABLE_NAME, OLD.id; RETURN NULL;",
                    hash="0499ace385867bedf4a42a4ed1f8f871e5b3dd0a",
                    operation="DELETE",
                    pgid="pgtrigger_soft_delete_69d5e",
                    table="top_videos",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="topicweek",
            index=models.Index(fields=["report", "rank"], name="trending_topic_weeks_by_rank"),
        ),
        migrations.AddConstraint(
            model_name="topicweek",
            constraint=models.UniqueConstraint(
                fields=("topic", "report"), name="trending_topic_weeks_topic_report_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="topicweek",
            constraint=models.CheckConstraint(
                condition=models.Q(("rank__gte", 1)), name="trending_topic_weeks_rank_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="topicweek",
            constraint=models.CheckConstraint(
                condition=models.Q(("engagement_score__gte", 0), ("engagement_score__lte", 100)),
                name="trending_topic_weeks_score_0_100",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="topicweek",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."engagement_score" IS DISTINCT FROM (NEW."engagement_score") OR OLD."entry" IS DISTINCT FROM (NEW."entry") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."rank" IS DISTINCT FROM (NEW."rank") OR OLD."report_id" IS DISTINCT FROM (NEW."report_id") OR OLD."topic_id" IS DISTINCT FROM (NEW."topic_id"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="77f82bd6fb2acb7c63c7eecf4a19a4ab23beb2c5",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_4c66c",
                    table="trending_topic_weeks",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="videoweek",
            index=models.Index(fields=["crawl", "rank"], name="top_video_weeks_by_rank"),
        ),
        migrations.AddConstraint(
            model_name="videoweek",
            constraint=models.UniqueConstraint(
                fields=("video", "crawl"), name="top_video_weeks_video_crawl_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="videoweek",
            constraint=models.CheckConstraint(
                condition=models.Q(("rank__gte", 1)), name="top_video_weeks_rank_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="videoweek",
            constraint=models.CheckConstraint(
                condition=models.Q(("comments__gte", 0), ("likes__gte", 0), ("views__gte", 0)),
                name="top_video_weeks_counts_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="videoweek",
            constraint=models.CheckConstraint(
                condition=models.Q(("engagement_score__gte", 0), ("engagement_score__lte", 100)),
                name="top_video_weeks_score_0_100",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="videoweek",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."comments" IS DISTINCT FROM (NEW."comments") OR OLD."crawl_id" IS DISTINCT FROM (NEW."crawl_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."engagement_score" IS DISTINCT FROM (NEW."engagement_score") OR OLD."entry" IS DISTINCT FROM (NEW."entry") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."likes" IS DISTINCT FROM (NEW."likes") OR OLD."rank" IS DISTINCT FROM (NEW."rank") OR OLD."video_id" IS DISTINCT FROM (NEW."video_id") OR OLD."views" IS DISTINCT FROM (NEW."views"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="d45eaceb61c6686c86333bb312b2a749cdf42f55",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_17213",
                    table="top_video_weeks",
                    when="BEFORE",
                ),
            ),
        ),
    ]
