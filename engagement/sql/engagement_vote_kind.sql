-- engagement_vote_kind(interaction_type, sentiment): what an event counts as for the ranking
-- (one reader, one vote per kind, item and hour): the kind of action, except that comments and
-- reactions count as 'positive' or 'negative' by their sentiment (a comment without either is a
-- 'comment'; a neutral reaction counts for nothing: NULL), and an undo (unbookmark, unreact)
-- counts for nothing. A bookmark or reaction votes only while it stands, once per reader
-- (engagement_toggle); the other kinds once per reader and hour. Used by
-- engagement_rollup_drain and the recount in engagement_score_drift.
CREATE OR REPLACE FUNCTION public.engagement_vote_kind(interaction_type text, sentiment text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
    SELECT CASE interaction_type
               WHEN 'comment' THEN CASE WHEN sentiment IN ('positive', 'negative') THEN sentiment
                                        ELSE 'comment' END
               WHEN 'reaction' THEN CASE WHEN sentiment IN ('positive', 'negative') THEN sentiment END
               WHEN 'unbookmark' THEN NULL
               WHEN 'unreact' THEN NULL
               ELSE interaction_type
           END
$$;
REVOKE ALL ON FUNCTION public.engagement_vote_kind(text, text) FROM PUBLIC;
