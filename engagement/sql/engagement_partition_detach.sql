-- engagement_partition_detach(partition_name, keep_from): retire one month of content_engagement
-- that engagement_retention_due lists for `keep_from`: detach its partition (a month whose events
-- still sit in DEFAULT first gets a partition of its own, engagement_ensure_partitions) and leave
-- it a table by itself, to be archived and dropped (engagement_partition_drop). Returns the
-- number of events it held; NULL when the month is not due (retired by an earlier run: running
-- twice is safe). Called by engagement/retention.py, one month per transaction.
--
-- The figures do not move: the hourly rollups keep the month's counts and readers' votes, and the
-- grid items their all-time counts (neither is ever retired). engagement_rollup_state records
-- from when the raw events are still held (`events_held_from`: the end of the month) and from
-- which hour on every readers' vote comes from held events (`votes_held_from`: a vote counts in
-- the hour its event reached the database, which for a backdated event is later than its
-- month), so that engagement_score_drift recounts the hours still held and takes the rollups as
-- the record of the others; the readers' votes (engagement_votes) of those other hours are
-- deleted, as no reader can vote in them any more. A month with events the rollup has not
-- counted yet is refused (nothing changes; the rollup counts them within seconds, and the next
-- run retires the month).
--
-- Locks, in the order the rollup and a reader's erasure take theirs, so that none of them can
-- deadlock with this: the rollup's watermark row; the partition in SHARE mode while its events
-- are counted (writers of other months go on, the rollup waits); then DETACH PARTITION, which
-- holds ACCESS EXCLUSIVE on content_engagement and its DEFAULT partition (and SHARE ROW
-- EXCLUSIVE on carnivore_user, for the foreign key) until the transaction ends, a few catalog
-- changes later. DETACH PARTITION ... CONCURRENTLY would spare writers even that moment, but
-- PostgreSQL refuses it on a table with a DEFAULT partition, and inside a transaction block.
-- The caller sets lock_timeout, so that writers never queue for long behind a DETACH that waits
-- for a long reader, and tries again later.
--
-- The detached table keeps its columns, checks and indexes, but neither its foreign key to
-- carnivore_user (a reader's erasure must not wait for an archive) nor its id default (the
-- sequence stays with content_engagement), so that its archive restores into any database. Its
-- comment says what it is: engagement_partition_drop drops only tables so marked. The retirement
-- is audited: one audit_log row (content_engagement, DELETE, the partition's name, its month,
-- events and the votes deleted). SECURITY DEFINER: partition DDL is the owner's. Only the
-- application's own processes may run it (the owner, and the login role holding
-- carnivore_runtime), as the connecting role: no API role, not even service_role, so that a
-- Supabase service key cannot retire events.
CREATE OR REPLACE FUNCTION public.engagement_partition_detach(
    partition_name text, keep_from timestamptz
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    first_day timestamptz;
    next_first_day timestamptz;
    from_default boolean;
    part regclass;
    watermark xid8;
    events bigint;
    last_inserted timestamptz;
    uncounted bigint;
    foreign_key name;
    votes_from timestamptz;
    votes_deleted bigint;
BEGIN
    SELECT d.month_start, d.in_default INTO first_day, from_default
    FROM public.engagement_retention_due(keep_from) d
    WHERE d.partition_name = engagement_partition_detach.partition_name;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    next_first_day := ((first_day AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    IF from_default THEN
        PERFORM public.engagement_ensure_partitions(0, first_day);
    END IF;
    part := pg_catalog.to_regclass('public.' || pg_catalog.quote_ident(partition_name));

    INSERT INTO public.engagement_rollup_state (id, next_xid) VALUES (1, '0')
    ON CONFLICT (id) DO NOTHING;
    SELECT s.next_xid INTO watermark FROM public.engagement_rollup_state s WHERE s.id = 1
    FOR UPDATE;
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', part);
    EXECUTE format('SELECT count(*), max(e.inserted_at) FROM %s e', part)
    INTO events, last_inserted;
    -- Found by the index on insert_xid: the events of transactions the rollup has not passed,
    -- but for those it counted inside their own transaction (engagement_rollup_ahead).
    EXECUTE format(
        'SELECT count(*) FROM %s e WHERE e.insert_xid >= $1 AND NOT EXISTS ('
        'SELECT FROM public.engagement_rollup_ahead a WHERE a.xid = e.insert_xid'
        ' AND e.id <= a.counted_id)', part)
    INTO uncounted USING watermark;
    IF uncounted > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = format('%s holds %s events the rollup has not counted yet: nothing was'
                             ' detached', partition_name, uncounted),
            HINT = 'The rollup (manage.py engagement_rollup_worker) counts them within seconds;'
                   ' run the retention again then.';
    END IF;

    EXECUTE format('ALTER TABLE public.content_engagement DETACH PARTITION %s', part);
    FOR foreign_key IN
        SELECT c.conname FROM pg_catalog.pg_constraint c WHERE c.conrelid = part AND c.contype = 'f'
    LOOP
        -- PostgreSQL drops no constraint whose deferred checks are pending: those of rows
        -- written earlier in the same transaction (a caller's) are made now.
        EXECUTE format('SET CONSTRAINTS public.%I IMMEDIATE', foreign_key);
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', part, foreign_key);
    END LOOP;
    EXECUTE format('ALTER TABLE %s ALTER COLUMN id DROP DEFAULT', part);
    EXECUTE format('COMMENT ON TABLE %s IS %L', part, format(
        'retired: the events of %s (UTC) from content_engagement, %s rows, detached on %s by'
        ' engagement retention (engagement_partition_detach), to be archived and dropped',
        to_char(first_day AT TIME ZONE 'UTC', 'YYYY-MM'), events,
        to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')));

    UPDATE public.engagement_rollup_state s
    SET events_held_from = greatest(s.events_held_from, next_first_day),
        votes_held_from = greatest(s.votes_held_from, next_first_day,
                                   date_trunc('hour', last_inserted, 'UTC') + interval '1 hour')
    WHERE s.id = 1
    RETURNING s.votes_held_from INTO votes_from;
    -- The readers' votes of the hours now taken from the rollups go too: they only kept a reader
    -- from voting twice in an hour long past, and nothing recounts them any more.
    DELETE FROM public.engagement_votes v WHERE v.hour < votes_from;
    GET DIAGNOSTICS votes_deleted = ROW_COUNT;

    INSERT INTO public.audit_log (table_name, record_id, operation, old_values, new_values,
                                  changed_by, db_role, app_role)
    VALUES ('content_engagement', partition_name, 'DELETE',
            pg_catalog.jsonb_build_object(
                'partition', partition_name,
                'month', to_char(first_day AT TIME ZONE 'UTC', 'YYYY-MM'),
                'events', events, 'votes', votes_deleted, 'retired', 'detached'),
            NULL,
            (SELECT auth.uid()),
            CASE pg_catalog.current_setting('role') WHEN 'none' THEN session_user
                 ELSE pg_catalog.current_setting('role') END,
            (SELECT auth.jwt()) -> 'app_metadata' ->> 'role');
    RETURN events;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_partition_detach(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_partition_detach(text, timestamptz) TO carnivore_runtime;
