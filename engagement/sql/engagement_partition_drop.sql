-- engagement_partition_drop(partition_name, archive): drop a month of content_engagement that
-- engagement_partition_detach retired, once it is archived (`archive`: the file it was dumped to)
-- or when the configuration says to drop retired months unarchived (`archive` NULL). Only a table
-- named as a monthly partition, no longer a partition, and marked retired by its comment is
-- dropped; anything else is refused. Returns false when there is no such table any more (dropped
-- by an earlier run). Audited: one audit_log row (content_engagement, DELETE, the partition's
-- name, the archive). Called by engagement/retention.py after pg_dump has written and checked
-- the archive, never before. SECURITY DEFINER: only the owner may drop the table. Like
-- engagement_partition_detach, only the application's own processes may run it (the owner, and
-- carnivore_runtime), no API role.
CREATE OR REPLACE FUNCTION public.engagement_partition_drop(partition_name text, archive text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    part regclass := pg_catalog.to_regclass('public.' || pg_catalog.quote_ident(partition_name));
BEGIN
    IF part IS NULL THEN
        RETURN false;
    END IF;
    IF partition_name !~ '^content_engagement_[0-9]{4}_[0-9]{2}$'
       OR (SELECT c.relispartition OR c.relkind <> 'r' FROM pg_catalog.pg_class c
           WHERE c.oid = part)
       OR coalesce(pg_catalog.obj_description(part, 'pg_class'), '') NOT LIKE 'retired:%' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('%s is not a month of content_engagement retired by'
                             ' engagement_partition_detach: not dropped', partition_name);
    END IF;
    EXECUTE format('DROP TABLE %s', part);
    INSERT INTO public.audit_log (table_name, record_id, operation, old_values, new_values,
                                  changed_by, db_role, app_role)
    VALUES ('content_engagement', partition_name, 'DELETE',
            pg_catalog.jsonb_build_object(
                'partition', partition_name, 'archive', archive,
                'retired', CASE WHEN archive IS NULL THEN 'dropped unarchived'
                                ELSE 'archived and dropped' END),
            NULL,
            (SELECT auth.uid()),
            CASE pg_catalog.current_setting('role') WHEN 'none' THEN session_user
                 ELSE pg_catalog.current_setting('role') END,
            (SELECT auth.jwt()) -> 'app_metadata' ->> 'role');
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_partition_drop(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_partition_drop(text, text) TO carnivore_runtime;
