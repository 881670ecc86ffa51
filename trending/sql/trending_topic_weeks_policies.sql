-- trending_topic_weeks_policies: row-level security on a topic's weekly figures: readable when
-- its topic is (the subquery runs under trending_topics' policies); admins and the service role
-- write them. Nobody deletes history.
SELECT app_private.policies_drop('public.trending_topic_weeks');
ALTER TABLE trending_topic_weeks ENABLE ROW LEVEL SECURITY;
ALTER TABLE trending_topic_weeks FORCE ROW LEVEL SECURITY;
REVOKE ALL ON trending_topic_weeks FROM anon, authenticated, service_role;
GRANT SELECT ON trending_topic_weeks TO anon, authenticated, service_role;
GRANT INSERT, UPDATE ON trending_topic_weeks TO authenticated, service_role;
CREATE POLICY trending_topic_weeks_select ON trending_topic_weeks FOR SELECT TO anon, authenticated
    USING (EXISTS (SELECT 1 FROM trending_topics t WHERE t.id = trending_topic_weeks.topic_id));
CREATE POLICY trending_topic_weeks_insert_admin ON trending_topic_weeks FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY trending_topic_weeks_update_admin ON trending_topic_weeks FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY trending_topic_weeks_service ON trending_topic_weeks FOR ALL TO service_role
    USING (true) WITH CHECK (true);
