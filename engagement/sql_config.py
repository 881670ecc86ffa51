"""The SQL objects of engagement: the partition maintenance of content_engagement, the policy
sets of its tables, the scoring functions the triggers and the hourly refresh use, and the
analytics views. Each is defined in `engagement/sql/<name>.sql` (see carnivore/sql_items.py).

The tables themselves (content_engagement, its sequence and DEFAULT partition, the rollups'
fillfactor) and the first call of engagement_ensure_partitions stay in the migrations."""

from pathlib import Path

from carnivore.sql_items import sql_item

HERE = Path(__file__).parent

sql_items = [
    # content_engagement's partitions and the row-level security of the engagement tables.
    sql_item(
        HERE,
        "engagement_ensure_partitions",
        reverse="DROP FUNCTION engagement_ensure_partitions(integer, timestamptz)",
        dependencies=[("carnivore", "api_roles")],
    ),
    sql_item(
        HERE,
        "content_engagement_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.content_engagement');"
            " REVOKE ALL ON content_engagement FROM anon, authenticated, service_role;"
            " ALTER TABLE content_engagement NO FORCE ROW LEVEL SECURITY;"
            " ALTER TABLE content_engagement DISABLE ROW LEVEL SECURITY;"
            " REVOKE ALL ON SEQUENCE content_engagement_id_seq"
            " FROM anon, authenticated, service_role;"
        ),
        dependencies=[
            ("carnivore", "api_roles"),
            ("carnivore", "supabase_auth"),
            ("carnivore", "is_staff"),
            ("carnivore", "policies_drop"),
        ],
    ),
    sql_item(
        HERE,
        "engagement_rollups_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.engagement_rollups');"
            " REVOKE ALL ON engagement_rollups FROM anon, authenticated, service_role;"
            " ALTER TABLE engagement_rollups NO FORCE ROW LEVEL SECURITY;"
            " ALTER TABLE engagement_rollups DISABLE ROW LEVEL SECURITY;"
        ),
        dependencies=[("carnivore", "api_roles"), ("carnivore", "policies_drop")],
    ),
    sql_item(
        HERE,
        "engagement_event_keys_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.engagement_event_keys');"
            " REVOKE ALL ON engagement_event_keys FROM anon, authenticated, service_role;"
            " ALTER TABLE engagement_event_keys NO FORCE ROW LEVEL SECURITY;"
            " ALTER TABLE engagement_event_keys DISABLE ROW LEVEL SECURITY;"
        ),
        dependencies=[("carnivore", "api_roles"), ("carnivore", "policies_drop")],
    ),
    sql_item(
        HERE,
        "engagement_drops_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.engagement_drops');"
            " REVOKE ALL ON engagement_drops FROM anon, authenticated, service_role;"
            " ALTER TABLE engagement_drops NO FORCE ROW LEVEL SECURITY;"
            " ALTER TABLE engagement_drops DISABLE ROW LEVEL SECURITY;"
        ),
        dependencies=[
            ("carnivore", "api_roles"),
            ("carnivore", "is_staff"),
            ("carnivore", "policies_drop"),
        ],
    ),
    # The score and its figures.
    sql_item(
        HERE,
        "engagement_score_formula",
        reverse="DROP FUNCTION engagement_score_formula(bigint, bigint, bigint, bigint, bigint)",
        dependencies=[("carnivore", "api_roles")],
    ),
    sql_item(
        HERE,
        "engagement_sentiment_percent",
        reverse="DROP FUNCTION engagement_sentiment_percent(bigint, bigint)",
        dependencies=[("carnivore", "api_roles")],
    ),
    sql_item(
        HERE,
        "engagement_figures",
        reverse="DROP FUNCTION engagement_figures(timestamptz)",
        dependencies=[
            ("carnivore", "api_roles"),
            ("engagement", "engagement_score_formula"),
            ("engagement", "engagement_sentiment_percent"),
        ],
    ),
    sql_item(
        HERE,
        "engagement_rescore_all",
        reverse="DROP FUNCTION engagement_rescore_all()",
        dependencies=[("carnivore", "api_roles"), ("engagement", "engagement_figures")],
    ),
    sql_item(
        HERE,
        "engagement_score_drift",
        reverse="DROP FUNCTION engagement_score_drift()",
        dependencies=[
            ("carnivore", "api_roles"),
            ("engagement", "engagement_score_formula"),
            ("engagement", "engagement_sentiment_percent"),
        ],
    ),
    # security_invoker views: the policy sets of the tables they read decide what they show.
    sql_item(
        HERE,
        "engagement_sentiment_7d",
        reverse="DROP VIEW engagement_sentiment_7d",
        dependencies=[
            ("carnivore", "api_roles"),
            ("engagement", "engagement_rollups_policies"),
            ("engagement", "engagement_sentiment_percent"),
            ("grid", "grid_content"),
        ],
    ),
    # Incremental scoring, called by the scoring trigger.
    sql_item(HERE, "engagement_delta", reverse="DROP TYPE engagement_delta", replace=False),
    sql_item(
        HERE,
        "engagement_grid_rows_create",
        reverse="DROP FUNCTION engagement_grid_rows_create(engagement_delta[])",
        dependencies=[("engagement", "engagement_delta"), ("grid", "grid_content")],
    ),
    sql_item(
        HERE,
        "engagement_apply",
        reverse="DROP FUNCTION engagement_apply(engagement_delta[])",
        dependencies=[
            ("engagement", "engagement_delta"),
            ("engagement", "engagement_grid_rows_create"),
            ("engagement", "engagement_score_formula"),
            ("engagement", "engagement_sentiment_percent"),
            ("engagement", "engagement_figures"),
        ],
    ),
    # The events API, and the readers' summary (security_invoker, like engagement_sentiment_7d).
    sql_item(
        HERE,
        "engagement_record",
        reverse="DROP FUNCTION engagement_record(jsonb, uuid)",
        dependencies=[("carnivore", "api_roles"), ("grid", "grid_content")],
    ),
    sql_item(
        HERE,
        "user_engagement_summary",
        reverse="DROP VIEW user_engagement_summary",
        dependencies=[("carnivore", "api_roles"), ("engagement", "content_engagement_policies")],
    ),
]
