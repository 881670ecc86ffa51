-- engagement_reader_erase(erased uuid): a reader leaves. Called by engagement.services
-- .reader_erase (`DELETE /api/me/`, `manage.py erase_user`) just before Django deletes the user
-- row in the same transaction; only the service role may run it.
--
-- What the reader did stays counted, but no longer points to them: their events lose their
-- user_id, and their reader_key (the user's id for a signed-in reader) becomes one fresh random
-- uuid, the same in engagement_votes and in engagement_toggles (their standing bookmarks and
-- reactions, counted among `votes_rekeyed`), so that every rollup, vote and figure still equals
-- a recount of the events (engagement_score_drift stays empty) and nothing leads back to the
-- person. Their interests are removed (the owner's DELETE is not turned into a soft delete: see
-- UserInterest's triggers). The erasure itself is audited: one audit_log row (carnivore_user,
-- DELETE, the user's id) naming who asked (the claims' sub: the reader, or the operator).
--
-- Events are immutable for every API role (none holds UPDATE on content_engagement); this
-- SECURITY DEFINER function is the one path that unlinks them, with an empty search_path. It
-- locks the rollup's watermark row first, as engagement_rollup_drain does, so that no rollup
-- runs between the rewrite of the events and that of the votes. The events are found by the
-- index content_engagement_user_recent; the votes and toggles by a scan of their tables (an
-- index on reader_key would cost every rollup a write for the sake of rare erasures).
CREATE OR REPLACE FUNCTION public.engagement_reader_erase(erased uuid)
RETURNS TABLE (events_unlinked bigint, votes_rekeyed bigint, interests_removed bigint,
               audit_log_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    stand_in uuid := pg_catalog.gen_random_uuid();
    toggles_rekeyed bigint;
BEGIN
    IF erased IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'engagement_reader_erase: no user given';
    END IF;
    PERFORM 1 FROM public.engagement_rollup_state s WHERE s.id = 1 FOR UPDATE;

    UPDATE public.content_engagement e SET user_id = NULL, reader_key = stand_in
    WHERE e.user_id = erased;
    GET DIAGNOSTICS events_unlinked = ROW_COUNT;

    UPDATE public.engagement_votes v SET reader_key = stand_in WHERE v.reader_key = erased;
    GET DIAGNOSTICS votes_rekeyed = ROW_COUNT;
    UPDATE public.engagement_toggles t SET reader_key = stand_in WHERE t.reader_key = erased;
    GET DIAGNOSTICS toggles_rekeyed = ROW_COUNT;
    votes_rekeyed := votes_rekeyed + toggles_rekeyed;

    DELETE FROM public.user_interests i WHERE i.user_id = erased;
    GET DIAGNOSTICS interests_removed = ROW_COUNT;

    INSERT INTO public.audit_log (table_name, record_id, operation, old_values, new_values,
                                  changed_by, db_role, app_role)
    VALUES ('carnivore_user', erased::text, 'DELETE',
            pg_catalog.jsonb_build_object(
                'id', erased, 'erased', true, 'events_unlinked', events_unlinked,
                'votes_rekeyed', votes_rekeyed, 'interests_removed', interests_removed),
            NULL,
            (SELECT auth.uid()),
            CASE pg_catalog.current_setting('role') WHEN 'none' THEN session_user
                 ELSE pg_catalog.current_setting('role') END,
            (SELECT auth.jwt()) -> 'app_metadata' ->> 'role');
    -- Not RETURNING: that would need a SELECT policy on audit_log, which the owner has none of.
    audit_log_id := pg_catalog.currval(pg_catalog.pg_get_serial_sequence('public.audit_log', 'id'));
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_reader_erase(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_reader_erase(uuid) TO service_role;
