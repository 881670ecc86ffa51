-- content_engagement_policies: row-level security on content_engagement, the raw events. Anyone
-- inserts events, as themselves or anonymously (user_id NULL), never as someone else; readers see
-- their own events, admins and auditors all; nobody updates or deletes; the service role reads
-- and inserts every event. The API inserts through engagement_record under the caller's role, and
-- the view user_engagement_summary (security_invoker) reads through these policies. The
-- partitions get no privileges and row-level security of their own, because reading a partition
-- directly would skip the parent's policies; engagement_ensure_partitions does the same for every
-- partition it creates.
SELECT app_private.policies_drop('public.content_engagement');
ALTER TABLE content_engagement ENABLE ROW LEVEL SECURITY;
ALTER TABLE content_engagement FORCE ROW LEVEL SECURITY;
REVOKE ALL ON content_engagement FROM anon, authenticated, service_role;
-- What a client may say about an event. Who stored it and for which reader it counts
-- (db_role, app_role, reader_key) and its transaction (insert_xid) are the database's to fill
-- (their defaults, set by the statement trigger of engagement/triggers.py): no API role may.
GRANT INSERT (content_type, content_id, user_id, interaction_type, sentiment, sentiment_score,
              comment_text, metadata, event_uuid, created_at)
    ON content_engagement TO anon, authenticated, service_role;
GRANT SELECT ON content_engagement TO authenticated, service_role;
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
