"""The SQL objects of engagement: the partition maintenance of content_engagement, the policy
sets of its tables, the rollup that counts events into figures, the checks of those figures,
the retention of old months, and the analytics views. Each is defined in
`engagement/sql/<name>.sql` (see carnivore/sql_items.py).

The tables themselves (content_engagement, its sequence and DEFAULT partition, the rollups'
fillfactor) and the first call of engagement_ensure_partitions stay in the migrations."""

from pathlib import Path

from carnivore.sql_items import policy_set, sql_item

HERE = Path(__file__).parent

sql_items = [
    # content_engagement's partitions and the row-level security of the engagement tables.
    sql_item(
        HERE,
        "engagement_ensure_partitions",
        reverse="DROP FUNCTION engagement_ensure_partitions(integer, timestamptz)",
        dependencies=[("carnivore", "api_roles")],
    ),
    policy_set(
        HERE,
        "content_engagement",
        dependencies=[("carnivore", "supabase_auth"), ("carnivore", "is_staff")],
        also_reverse=(
            "REVOKE ALL ON SEQUENCE content_engagement_id_seq"
            " FROM anon, authenticated, service_role;"
        ),
    ),
    policy_set(HERE, "engagement_rollups"),
    policy_set(HERE, "engagement_event_keys"),
    policy_set(HERE, "engagement_drops", dependencies=[("carnivore", "is_staff")]),
    policy_set(HERE, "engagement_votes"),
    policy_set(HERE, "engagement_toggles"),
    policy_set(HERE, "engagement_salts"),
    policy_set(HERE, "engagement_rollup_state"),
    policy_set(HERE, "engagement_rollup_ahead"),
    # The display figures of the blueprint.
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
    # Who an event counts for, and as what.
    sql_item(
        HERE,
        "engagement_reader_fingerprint",
        reverse="DROP FUNCTION engagement_reader_fingerprint()",
        dependencies=[("engagement", "engagement_salts_policies")],
    ),
    sql_item(
        HERE,
        "engagement_salts_expire",
        reverse="DROP FUNCTION engagement_salts_expire()",
        dependencies=[("carnivore", "api_roles"), ("engagement", "engagement_salts_policies")],
    ),
    sql_item(
        HERE, "engagement_vote_kind", reverse="DROP FUNCTION engagement_vote_kind(text, text)"
    ),
    sql_item(HERE, "engagement_toggle", reverse="DROP FUNCTION engagement_toggle(text)"),
    # The rollup: events into rollups and grid items' figures, exactly once.
    sql_item(HERE, "engagement_content", reverse="DROP TYPE engagement_content", replace=False),
    sql_item(HERE, "engagement_delta", reverse="DROP TYPE engagement_delta", replace=False),
    sql_item(
        HERE,
        "engagement_figures_update",
        reverse="DROP FUNCTION engagement_figures_update(timestamptz, engagement_content[])",
        dependencies=[
            ("engagement", "engagement_content"),
            ("engagement", "engagement_score_formula"),
            ("engagement", "engagement_sentiment_percent"),
            ("grid", "grid_rank"),
        ],
    ),
    sql_item(
        HERE,
        "engagement_rollup_drain",
        reverse="DROP FUNCTION engagement_rollup_drain()",
        dependencies=[
            ("carnivore", "api_roles"),
            ("engagement", "engagement_delta"),
            ("engagement", "engagement_vote_kind"),
            ("engagement", "engagement_toggle"),
            ("engagement", "engagement_figures_update"),
            ("engagement", "engagement_rollup_state_policies"),
            ("engagement", "engagement_rollup_ahead_policies"),
            ("engagement", "engagement_votes_policies"),
            ("engagement", "engagement_toggles_policies"),
            ("grid", "grid_item_sources"),
        ],
    ),
    sql_item(
        HERE,
        "engagement_rescore_all",
        reverse="DROP FUNCTION engagement_rescore_all()",
        dependencies=[("carnivore", "api_roles"), ("engagement", "engagement_figures_update")],
    ),
    sql_item(
        HERE,
        "engagement_score_drift",
        reverse="DROP FUNCTION engagement_score_drift()",
        dependencies=[
            ("carnivore", "api_roles"),
            ("engagement", "engagement_score_formula"),
            ("engagement", "engagement_sentiment_percent"),
            ("engagement", "engagement_vote_kind"),
            ("engagement", "engagement_toggle"),
            ("engagement", "engagement_rollup_state_policies"),
            ("engagement", "engagement_rollup_ahead_policies"),
            ("engagement", "engagement_toggles_policies"),
            ("grid", "grid_rank"),
        ],
    ),
    # Retention: months of events older than ENGAGEMENT_RETENTION_MONTHS detached, archived
    # and dropped (engagement/retention.py), their rollups kept as their record.
    sql_item(
        HERE,
        "engagement_retention_due",
        reverse="DROP FUNCTION engagement_retention_due(timestamptz)",
        dependencies=[("carnivore", "api_roles")],
    ),
    sql_item(
        HERE,
        "engagement_partition_detach",
        reverse="DROP FUNCTION engagement_partition_detach(text, timestamptz)",
        dependencies=[
            ("carnivore", "api_roles"),
            ("carnivore", "runtime_role"),
            ("carnivore", "supabase_auth"),
            ("engagement", "engagement_retention_due"),
            ("engagement", "engagement_ensure_partitions"),
            ("engagement", "engagement_rollup_state_policies"),
            ("engagement", "engagement_rollup_ahead_policies"),
            ("audit", "audit_log_policies"),
        ],
    ),
    sql_item(
        HERE,
        "engagement_partition_drop",
        reverse="DROP FUNCTION engagement_partition_drop(text, text)",
        dependencies=[
            ("carnivore", "api_roles"),
            ("carnivore", "runtime_role"),
            ("carnivore", "supabase_auth"),
            ("audit", "audit_log_policies"),
        ],
    ),
    # A reader leaves: their events unlinked and re-keyed, their interests removed, audited.
    sql_item(
        HERE,
        "engagement_reader_erase",
        reverse="DROP FUNCTION engagement_reader_erase(uuid)",
        dependencies=[
            ("carnivore", "api_roles"),
            ("carnivore", "supabase_auth"),
            ("engagement", "content_engagement_policies"),
            ("engagement", "engagement_votes_policies"),
            ("engagement", "engagement_toggles_policies"),
            ("engagement", "engagement_rollup_state_policies"),
            ("grid", "user_interests_policies"),
            ("audit", "audit_log_policies"),
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
