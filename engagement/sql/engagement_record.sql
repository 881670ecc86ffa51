-- engagement_record(events, recorded_for): check the content and store the events in one call;
-- engagement.services.engagement_record (the events API) calls it under the caller's role.
--
-- Asking whether the content exists and then inserting took two round trips and two statements
-- planned on every request. One function does both, with plans PL/pgSQL keeps per connection.
-- It runs as the caller (SECURITY INVOKER): content the caller cannot see counts as missing, and
-- row-level security judges the inserted rows as before. The statement check on the table
-- (engagement/triggers.py) still refuses content that disappears between the check and the
-- insert. Events are inserted in event_uuid order, so that concurrent batches retrying the same
-- events cannot deadlock.
CREATE OR REPLACE FUNCTION engagement_record(events jsonb, recorded_for uuid) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
-- Returns {"missing": [[content_type, content_id], ...]} and stores nothing when some content is
-- not active content the caller sees; otherwise {"stored": n} (events whose event_uuid was
-- already stored are skipped, and not counted).
DECLARE
    missing jsonb;
    stored integer;
BEGIN
    SELECT jsonb_agg(jsonb_build_array(t.content_type, t.content_id) ORDER BY t.content_type, t.content_id)
    INTO missing
    FROM (SELECT DISTINCT e.content_type, e.content_id
          FROM jsonb_to_recordset(events) AS e (content_type varchar, content_id bigint)) t
    WHERE NOT EXISTS (
        SELECT 1 FROM grid_content c
        WHERE c.content_type = t.content_type AND c.content_id = t.content_id AND c.is_active);
    IF missing IS NOT NULL THEN
        RETURN jsonb_build_object('missing', missing);
    END IF;

    -- One statement for the whole batch: the statement triggers run once for all of it.
    INSERT INTO content_engagement (
        content_type, content_id, user_id, interaction_type, sentiment, sentiment_score,
        comment_text, metadata, event_uuid, created_at)
    SELECT e.content_type, e.content_id, recorded_for, e.interaction_type, e.sentiment,
           e.sentiment_score, e.comment_text, coalesce(e.metadata, '{}'::jsonb), e.event_uuid,
           coalesce(e.created_at, now())
    FROM ROWS FROM (jsonb_to_recordset(events) AS (
        content_type varchar, content_id bigint, interaction_type varchar, sentiment varchar,
        sentiment_score numeric, comment_text text, metadata jsonb, event_uuid uuid,
        created_at timestamptz)) WITH ORDINALITY AS e (
        content_type, content_id, interaction_type, sentiment, sentiment_score, comment_text,
        metadata, event_uuid, created_at, n)
    -- Event keys are claimed in one order by every writer: two batches retrying the same
    -- events in different orders would otherwise deadlock on each other's keys. Events without
    -- a key keep the batch's order, which is the order of their ids: a reader's bookmark and
    -- unbookmark of one instant stand in the order sent (engagement_toggle).
    ORDER BY e.event_uuid, e.n;
    GET DIAGNOSTICS stored = ROW_COUNT;
    RETURN jsonb_build_object('stored', stored);
END
$$;
REVOKE ALL ON FUNCTION engagement_record(jsonb, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION engagement_record(jsonb, uuid) TO anon, authenticated, service_role;
