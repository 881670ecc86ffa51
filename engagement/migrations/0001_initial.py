import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.datetime
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import engagement.models

CREATE_PARTITIONED_TABLE = """
CREATE SEQUENCE content_engagement_id_seq AS bigint;
CREATE TABLE content_engagement (
    id bigint NOT NULL DEFAULT nextval('content_engagement_id_seq'),
    created_at timestamptz NOT NULL DEFAULT now(),
    content_type varchar(32) NOT NULL,
    content_id bigint NOT NULL,
    user_id uuid NULL
        CONSTRAINT content_engagement_user_id_fk REFERENCES carnivore_user (id)
        DEFERRABLE INITIALLY DEFERRED,
    is_anonymous boolean GENERATED ALWAYS AS (user_id IS NULL) STORED,
    interaction_type varchar(16) NOT NULL,
    sentiment varchar(16) NULL,
    sentiment_score numeric(4, 3) NULL,
    comment_text text NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    event_uuid uuid NULL,
    -- PostgreSQL requires the partition key in every unique key of a partitioned table.
    CONSTRAINT content_engagement_pkey PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE content_engagement_id_seq OWNED BY content_engagement.id;
-- Catches any row outside the monthly partitions, so an insert never fails for want of one.
CREATE TABLE content_engagement_default PARTITION OF content_engagement DEFAULT;
"""

DROP_PARTITIONED_TABLE = "DROP TABLE content_engagement CASCADE;"

# Creates the monthly partitions from `from_month` (this month) to `months_ahead` months ahead, and returns the
# names of those it created (none when run again). Rows of a month that already sit in DEFAULT
# would make PostgreSQL refuse the new partition, so they are moved into it first. SECURITY
# DEFINER: partitions are DDL, which only the table owner may run; the scheduled job calls this
# function under the service role instead of connecting as the owner.
CREATE_PARTITION_MAINTENANCE = """
CREATE OR REPLACE FUNCTION engagement_ensure_partitions(
    months_ahead integer DEFAULT 2,
    from_month timestamptz DEFAULT now()
)
RETURNS SETOF text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    month_start timestamptz;
    month_end timestamptz;
    partition_name text;
    columns text := 'id, created_at, content_type, content_id, user_id, interaction_type, '
                    'sentiment, sentiment_score, comment_text, metadata, event_uuid';
BEGIN
    IF months_ahead < 0 OR months_ahead > 24 THEN
        RAISE EXCEPTION 'months_ahead must be between 0 and 24, not %', months_ahead;
    END IF;
    FOR step IN 0..months_ahead LOOP
        month_start := date_trunc('month', from_month, 'UTC') + make_interval(months => step);
        month_end := month_start + interval '1 month';
        partition_name := 'content_engagement_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
        CONTINUE WHEN EXISTS (
            SELECT 1 FROM pg_inherits
            WHERE inhparent = 'content_engagement'::regclass
              AND inhrelid = to_regclass('public.' || quote_ident(partition_name))
        );
        IF EXISTS (
            SELECT 1 FROM content_engagement_default
            WHERE created_at >= month_start AND created_at < month_end
        ) THEN
            EXECUTE format(
                'CREATE TABLE public.%I (LIKE content_engagement INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)',
                partition_name);
            EXECUTE format(
                'WITH moved AS (DELETE FROM content_engagement_default WHERE created_at >= %L AND created_at < %L RETURNING %s) '
                'INSERT INTO public.%I (%s) SELECT %s FROM moved',
                month_start, month_end, columns, partition_name, columns, columns);
            EXECUTE format(
                'ALTER TABLE content_engagement ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                partition_name, month_start, month_end);
        ELSE
            EXECUTE format(
                'CREATE TABLE public.%I PARTITION OF content_engagement FOR VALUES FROM (%L) TO (%L)',
                partition_name, month_start, month_end);
        END IF;
        RETURN NEXT partition_name;
    END LOOP;
END
$$;
SELECT engagement_ensure_partitions(2);
"""

DROP_PARTITION_MAINTENANCE = "DROP FUNCTION engagement_ensure_partitions(integer, timestamptz);"


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EngagementEventKey",
            fields=[
                ("event_uuid", models.UUIDField(primary_key=True, serialize=False)),
                (
                    "created_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
            ],
            options={
                "db_table": "engagement_event_keys",
            },
        ),
        migrations.CreateModel(
            name="DroppedEngagement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
                (
                    "reason",
                    models.CharField(choices=[("bot_user_agent", "Bot User Agent")], max_length=32),
                ),
                ("user_agent", models.CharField(blank=True, db_default="", max_length=500)),
                ("event_count", models.IntegerField()),
            ],
            options={
                "db_table": "engagement_drops",
                "indexes": [models.Index(fields=["-created_at"], name="engagement_drops_recent")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("reason__in", ["bot_user_agent"])),
                        name="engagement_drops_reason_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("event_count__gte", 0)),
                        name="engagement_drops_count_not_negative",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="EngagementRollup",
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
                ("hour", models.DateTimeField()),
                ("events", models.IntegerField(db_default=0)),
                ("views", models.IntegerField(db_default=0)),
                ("clicks", models.IntegerField(db_default=0)),
                ("shares", models.IntegerField(db_default=0)),
                ("bookmarks", models.IntegerField(db_default=0)),
                ("comments", models.IntegerField(db_default=0)),
                ("reactions", models.IntegerField(db_default=0)),
                ("positive", models.IntegerField(db_default=0)),
                ("negative", models.IntegerField(db_default=0)),
                ("neutral", models.IntegerField(db_default=0)),
            ],
            options={
                "db_table": "engagement_rollups",
                "indexes": [models.Index(fields=["hour"], name="engagement_rollups_hour")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("content_type", "content_id", "hour"),
                        name="engagement_rollups_content_hour",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "events",
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                django.db.models.expressions.CombinedExpression(
                                                    models.F("views"), "+", models.F("clicks")
                                                ),
                                                "+",
                                                models.F("shares"),
                                            ),
                                            "+",
                                            models.F("bookmarks"),
                                        ),
                                        "+",
                                        models.F("comments"),
                                    ),
                                    "+",
                                    models.F("reactions"),
                                ),
                            )
                        ),
                        name="engagement_rollups_events_add_up",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("bookmarks__gte", 0),
                            ("clicks__gte", 0),
                            ("comments__gte", 0),
                            ("reactions__gte", 0),
                            ("shares__gte", 0),
                            ("views__gte", 0),
                        ),
                        name="engagement_rollups_counts_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("negative__gte", 0),
                            ("neutral__gte", 0),
                            ("positive__gte", 0),
                            (
                                "events__gte",
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("positive"), "+", models.F("negative")
                                    ),
                                    "+",
                                    models.F("neutral"),
                                ),
                            ),
                        ),
                        name="engagement_rollups_sentiments_fit",
                    ),
                ],
            },
        ),
        # content_engagement is RANGE-partitioned by month, which Django cannot create: the
        # table is created by hand here and Django's state learns its fields separately.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(sql=CREATE_PARTITIONED_TABLE, reverse_sql=DROP_PARTITIONED_TABLE),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="ContentEngagement",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "id",
                                "created_at",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        (
                            "id",
                            models.BigIntegerField(
                                db_default=engagement.models.Nextval("content_engagement_id_seq"),
                                editable=False,
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                db_default=django.db.models.functions.datetime.Now()
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
                        (
                            "is_anonymous",
                            models.GeneratedField(
                                db_persist=True,
                                expression=django.db.models.lookups.IsNull(models.F("user"), True),
                                output_field=models.BooleanField(),
                            ),
                        ),
                        (
                            "interaction_type",
                            models.CharField(
                                choices=[
                                    ("view", "View"),
                                    ("click", "Click"),
                                    ("share", "Share"),
                                    ("bookmark", "Bookmark"),
                                    ("comment", "Comment"),
                                    ("reaction", "Reaction"),
                                ],
                                max_length=16,
                            ),
                        ),
                        (
                            "sentiment",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("positive", "Positive"),
                                    ("negative", "Negative"),
                                    ("neutral", "Neutral"),
                                ],
                                max_length=16,
                                null=True,
                            ),
                        ),
                        (
                            "sentiment_score",
                            models.DecimalField(
                                blank=True, decimal_places=3, max_digits=4, null=True
                            ),
                        ),
                        ("comment_text", models.TextField(blank=True, null=True)),
                        ("metadata", models.JSONField(blank=True, db_default={})),
                        ("event_uuid", models.UUIDField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="engagement_events",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "content_engagement",
                    },
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="contentengagement",
            index=models.Index(
                models.F("content_type"),
                models.F("content_id"),
                models.OrderBy(models.F("created_at"), descending=True),
                name="content_engagement_content",
            ),
        ),
        migrations.AddIndex(
            model_name="contentengagement",
            index=models.Index(
                models.F("user"),
                models.OrderBy(models.F("created_at"), descending=True),
                condition=models.Q(("user__isnull", False)),
                name="content_engagement_user_recent",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "content_type__in",
                        ["trending_topic", "top_video", "community_highlight", "research_update"],
                    )
                ),
                name="content_engagement_content_type_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(("content_id__gt", 0)),
                name="content_engagement_content_id_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "interaction_type__in",
                        ["view", "click", "share", "bookmark", "comment", "reaction"],
                    )
                ),
                name="content_engagement_interaction_type_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sentiment__isnull", True),
                    ("sentiment__in", ["positive", "negative", "neutral"]),
                    _connector="OR",
                ),
                name="content_engagement_sentiment_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sentiment__isnull", True),
                    ("interaction_type__in", ("comment", "reaction")),
                    _connector="OR",
                ),
                name="content_engagement_sentiment_only_comment_reaction",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sentiment_score__isnull", True),
                    models.Q(("sentiment_score__gte", -1), ("sentiment_score__lte", 1)),
                    _connector="OR",
                ),
                name="content_engagement_sentiment_score_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sentiment_score__isnull", True), ("sentiment__isnull", False), _connector="OR"
                ),
                name="content_engagement_sentiment_score_needs_sentiment",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("comment_text__isnull", True), ("interaction_type", "comment"), _connector="OR"
                ),
                name="content_engagement_comment_text_only_comment",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentengagement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("comment_text__isnull", True),
                    models.Q(
                        django.db.models.lookups.GreaterThan(
                            django.db.models.functions.text.Length("comment_text"), 0
                        ),
                        django.db.models.lookups.LessThanOrEqual(
                            django.db.models.functions.text.Length("comment_text"), 5000
                        ),
                    ),
                    _connector="OR",
                ),
                name="content_engagement_comment_text_length",
            ),
        ),
        migrations.RunSQL(sql=CREATE_PARTITION_MAINTENANCE, reverse_sql=DROP_PARTITION_MAINTENANCE),
    ]
