-- engagement_toggle(interaction_type): the toggle an event sets or takes back, NULL for the
-- other events: 'bookmark' for a bookmark or an unbookmark, 'reaction' for a reaction or an
-- unreact. A reader's latest event of a toggle on an item is what stands
-- (engagement.models.EngagementToggle): a bookmark or a reaction counts while it stands; one
-- taken back (unbookmark, unreact) or replaced (a later reaction) counts no more, and the undo
-- itself counts nowhere. Used by engagement_rollup_drain and the recount in
-- engagement_score_drift.
CREATE OR REPLACE FUNCTION public.engagement_toggle(interaction_type text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
    SELECT CASE WHEN interaction_type IN ('bookmark', 'unbookmark') THEN 'bookmark'
                WHEN interaction_type IN ('reaction', 'unreact') THEN 'reaction'
           END
$$;
REVOKE ALL ON FUNCTION public.engagement_toggle(text) FROM PUBLIC;
