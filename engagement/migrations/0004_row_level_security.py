"""Row-level security on the engagement tables (SPEC section 3).

- content_engagement: anyone inserts events, as themselves or anonymously (user_id NULL), never
  as someone else; readers see their own events, admins and auditors all; nobody updates or
  deletes. Its partitions get no privileges and row-level security of their own, because
  reading a partition directly would skip the parent's policies; the maintenance function does
  the same for every partition it creates, and only the service role may call it.
- engagement_rollups: public counts, written only by the scoring triggers (which run as this
  migration's user).
- engagement_event_keys: only the scoring triggers read and write it.
- engagement_drops: anyone appends (the API records dropped bot requests under the caller's
  role); admins, auditors and the service role read it.
"""

from django.db import migrations

ENABLE = """
ALTER TABLE content_engagement ENABLE ROW LEVEL SECURITY;
ALTER TABLE content_engagement FORCE ROW LEVEL SECURITY;
REVOKE ALL ON content_engagement FROM anon, authenticated, service_role;
GRANT INSERT ON content_engagement TO anon;
GRANT SELECT, INSERT ON content_engagement TO authenticated, service_role;
GRANT USAGE ON SEQUENCE content_engagement_id_seq TO anon, authenticated, service_role;
CREATE POLICY content_engagement_insert_anonymous ON content_engagement FOR INSERT TO anon
    WITH CHECK (user_id IS NULL);
CREATE POLICY content_engagement_insert_self ON content_engagement FOR INSERT TO authenticated
    WITH CHECK (user_id IS NULL OR user_id = (SELECT auth.uid()));
CREATE POLICY content_engagement_select ON content_engagement FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()) OR (SELECT app_private.is_staff()));
CREATE POLICY content_engagement_service ON content_engagement FOR ALL TO service_role
    USING (true) WITH CHECK (true);
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'content_engagement'::regclass LOOP
        EXECUTE format('REVOKE ALL ON %s FROM PUBLIC, anon, authenticated, service_role', part);
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', part);
    END LOOP;
END
$$;

ALTER TABLE engagement_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE engagement_rollups FORCE ROW LEVEL SECURITY;
REVOKE ALL ON engagement_rollups FROM anon, authenticated, service_role;
GRANT SELECT ON engagement_rollups TO anon, authenticated, service_role;
CREATE POLICY engagement_rollups_select ON engagement_rollups FOR SELECT
    TO anon, authenticated, service_role USING (true);

ALTER TABLE engagement_event_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE engagement_event_keys FORCE ROW LEVEL SECURITY;
REVOKE ALL ON engagement_event_keys FROM anon, authenticated, service_role;

ALTER TABLE engagement_drops ENABLE ROW LEVEL SECURITY;
ALTER TABLE engagement_drops FORCE ROW LEVEL SECURITY;
REVOKE ALL ON engagement_drops FROM anon, authenticated, service_role;
GRANT INSERT ON engagement_drops TO anon, authenticated, service_role;
GRANT SELECT ON engagement_drops TO authenticated, service_role;
CREATE POLICY engagement_drops_insert ON engagement_drops FOR INSERT
    TO anon, authenticated, service_role WITH CHECK (true);
CREATE POLICY engagement_drops_select_staff ON engagement_drops FOR SELECT TO authenticated
    USING ((SELECT app_private.is_staff()));
CREATE POLICY engagement_drops_select_service ON engagement_drops FOR SELECT TO service_role
    USING (true);

-- the scoring triggers (SECURITY DEFINER, run as this user) keep rollups and event keys ----
DO $$
BEGIN
    EXECUTE format('CREATE POLICY engagement_rollups_kept_by_triggers ON engagement_rollups FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
    EXECUTE format('CREATE POLICY engagement_event_keys_kept_by_triggers ON engagement_event_keys FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;

REVOKE ALL ON FUNCTION engagement_ensure_partitions(integer, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION engagement_ensure_partitions(integer, timestamptz) TO service_role;
"""

DISABLE = """
DROP POLICY engagement_rollups_kept_by_triggers ON engagement_rollups;
DROP POLICY engagement_event_keys_kept_by_triggers ON engagement_event_keys;
DROP POLICY engagement_drops_insert ON engagement_drops;
DROP POLICY engagement_drops_select_staff ON engagement_drops;
DROP POLICY engagement_drops_select_service ON engagement_drops;
DROP POLICY engagement_rollups_select ON engagement_rollups;
DROP POLICY content_engagement_insert_anonymous ON content_engagement;
DROP POLICY content_engagement_insert_self ON content_engagement;
DROP POLICY content_engagement_select ON content_engagement;
DROP POLICY content_engagement_service ON content_engagement;
REVOKE ALL ON SEQUENCE content_engagement_id_seq FROM anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION engagement_ensure_partitions(integer, timestamptz) TO PUBLIC;
""" + "".join(
    f"""
REVOKE ALL ON {table} FROM anon, authenticated, service_role;
ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
"""
    for table in (
        "content_engagement",
        "engagement_rollups",
        "engagement_event_keys",
        "engagement_drops",
    )
)

# New partitions are locked down like the first ones.
LOCKING_PARTITION_MAINTENANCE = """
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
        -- Reading a partition directly skips the parent's policies: no API role may.
        EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, anon, authenticated, service_role', partition_name);
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', partition_name);
        RETURN NEXT partition_name;
    END LOOP;
END
$$;
"""

PLAIN_PARTITION_MAINTENANCE = """
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0003_audit_events"),
        ("carnivore", "0002_database_roles"),
    ]

    operations = [
        migrations.RunSQL(LOCKING_PARTITION_MAINTENANCE, reverse_sql=PLAIN_PARTITION_MAINTENANCE),
        migrations.RunSQL(ENABLE, reverse_sql=DISABLE),
    ]
