-- engagement_ensure_partitions(months_ahead, from_month): creates the monthly partitions of
-- content_engagement from `from_month` (this month) to `months_ahead` months ahead, and returns the
-- names of those it created (none when run again). Rows of a month that already sit in DEFAULT
-- would make PostgreSQL refuse the new partition, so they are moved into it first. Each new
-- partition is locked down like the first ones (see content_engagement_policies): no privileges
-- and row-level security of its own, because reading a partition directly would skip the
-- parent's policies. SECURITY DEFINER: partitions are DDL, which only the table owner may run;
-- engagement.services.engagement_partitions_ensure (the daily `ensure_partitions` job,
-- `manage.py ensure_partitions` and `manage.py up`) calls it under the service role instead of
-- connecting as the owner. Only the service role may execute it.
CREATE OR REPLACE FUNCTION engagement_ensure_partitions(
    months_ahead integer DEFAULT 2,
    from_month timestamptz DEFAULT now()
)
RETURNS SETOF text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    month_start timestamptz;
    month_end timestamptz;
    partition_name text;
    -- Every stored column (generated ones are computed again), so that a moved event keeps
    -- its reader, roles and transaction id: the rollup must not take it a second time.
    columns text := (
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = 'public.content_engagement'::regclass
          AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '');
BEGIN
    IF months_ahead < 0 OR months_ahead > 24 THEN
        RAISE EXCEPTION 'months_ahead must be between 0 and 24, not %', months_ahead;
    END IF;
    FOR step IN 0..months_ahead LOOP
        month_start := date_trunc('month', from_month, 'UTC') + make_interval(months => step);
        month_end := month_start + interval '1 month';
        partition_name := 'content_engagement_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
        CONTINUE WHEN EXISTS (
            SELECT 1 FROM pg_catalog.pg_inherits
            WHERE inhparent = 'public.content_engagement'::regclass
              AND inhrelid = to_regclass('public.' || quote_ident(partition_name))
        );
        IF EXISTS (
            SELECT 1 FROM public.content_engagement_default
            WHERE created_at >= month_start AND created_at < month_end
        ) THEN
            EXECUTE format(
                'CREATE TABLE public.%I (LIKE public.content_engagement INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)',
                partition_name);
            EXECUTE format(
                'WITH moved AS (DELETE FROM public.content_engagement_default WHERE created_at >= %L AND created_at < %L RETURNING %s) '
                'INSERT INTO public.%I (%s) SELECT %s FROM moved',
                month_start, month_end, columns, partition_name, columns, columns);
            EXECUTE format(
                'ALTER TABLE public.content_engagement ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                partition_name, month_start, month_end);
        ELSE
            EXECUTE format(
                'CREATE TABLE public.%I PARTITION OF public.content_engagement FOR VALUES FROM (%L) TO (%L)',
                partition_name, month_start, month_end);
        END IF;
        -- Reading a partition directly skips the parent's policies: no API role may.
        EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, anon, authenticated, service_role', partition_name);
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', partition_name);
        RETURN NEXT partition_name;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION engagement_ensure_partitions(integer, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION engagement_ensure_partitions(integer, timestamptz) TO service_role;
