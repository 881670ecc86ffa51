-- engagement_retention_due(keep_from): the months of content_engagement that retention retires
-- when it keeps the events from `keep_from` on, oldest first: each monthly partition that ends on
-- or before `keep_from`, and each earlier month whose events sit in the DEFAULT partition (such a
-- month is given a partition of its own before it is retired: engagement_partition_detach), with
-- the name its partition has or will have. Never the DEFAULT partition itself, and never the
-- current or the previous month: `keep_from` must be the first day of a month (UTC) no later than
-- the first day of the previous month, so that the events of the 24-hour and 7-day windows are
-- always held. Used by engagement/retention.py (the daily `engagement_retention` job and
-- `manage.py engagement_retention`, `--dry-run` included) and by engagement_partition_detach.
-- SECURITY DEFINER: it reads the DEFAULT partition, which no API role may read directly; only the
-- service role may run it.
CREATE OR REPLACE FUNCTION public.engagement_retention_due(keep_from timestamptz)
RETURNS TABLE (partition_name text, month_start timestamptz, in_default boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    -- Month arithmetic on UTC wall-clock time, so that the session's time zone cannot shift it.
    latest timestamptz := (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')
                          AT TIME ZONE 'UTC';
BEGIN
    IF keep_from IS NULL OR keep_from > latest
       OR keep_from <> date_trunc('month', keep_from AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('engagement retention keeps the events from the first day of a month'
                             ' (UTC) on or before %s, not from %s: the current and the previous'
                             ' month are always kept', latest, coalesce(keep_from::text, 'NULL'));
    END IF;
    RETURN QUERY
    SELECT found.relname, found.first_day, found.from_default
    FROM (
        SELECT c.relname::text AS relname,
               pg_catalog.make_timestamptz(substr(c.relname, 20, 4)::integer,
                                           substr(c.relname, 25, 2)::integer, 1, 0, 0, 0, 'UTC')
                   AS first_day,
               false AS from_default
        FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'public.content_engagement'::regclass
          AND c.relname ~ '^content_engagement_[0-9]{4}_[0-9]{2}$'
        UNION ALL
        SELECT 'content_engagement_' || to_char(d.first_day AT TIME ZONE 'UTC', 'YYYY_MM'),
               d.first_day, true
        FROM (SELECT DISTINCT date_trunc('month', e.created_at AT TIME ZONE 'UTC')
                              AT TIME ZONE 'UTC' AS first_day
              FROM public.content_engagement_default e
              WHERE e.created_at < keep_from) d
    ) found
    WHERE ((found.first_day AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'
          <= keep_from
    ORDER BY found.first_day;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_retention_due(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_retention_due(timestamptz) TO service_role;
