-- top_video_weeks_policies: row-level security on a video's weekly figures: readable when its
-- video is (the subquery runs under top_videos' policies); admins and the service role write
-- them. Nobody deletes history.
SELECT app_private.policies_drop('public.top_video_weeks');
ALTER TABLE top_video_weeks ENABLE ROW LEVEL SECURITY;
ALTER TABLE top_video_weeks FORCE ROW LEVEL SECURITY;
REVOKE ALL ON top_video_weeks FROM anon, authenticated, service_role;
GRANT SELECT ON top_video_weeks TO anon, authenticated, service_role;
GRANT INSERT, UPDATE ON top_video_weeks TO authenticated, service_role;
CREATE POLICY top_video_weeks_select ON top_video_weeks FOR SELECT TO anon, authenticated
    USING (EXISTS (SELECT 1 FROM top_videos v WHERE v.id = top_video_weeks.video_id));
CREATE POLICY top_video_weeks_insert_admin ON top_video_weeks FOR INSERT TO authenticated
    WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY top_video_weeks_update_admin ON top_video_weeks FOR UPDATE TO authenticated
    USING ((SELECT app_private.is_admin())) WITH CHECK ((SELECT app_private.is_admin()));
CREATE POLICY top_video_weeks_service ON top_video_weeks FOR ALL TO service_role
    USING (true) WITH CHECK (true);
