-- engagement_grid_rows_create(deltas): grid rows (bento_grid_items) for content seen for the
-- first time, with the content's real title, in content order; existing rows are left alone (and
-- not locked). Called only by engagement_apply (as the owner, from the scoring trigger); no API
-- role may execute it.
CREATE OR REPLACE FUNCTION engagement_grid_rows_create(deltas engagement_delta[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO bento_grid_items (content_type, content_id, content_title, base_score, data)
    SELECT c.content_type, c.content_id, c.title, c.base_score, jsonb_build_object('tags', to_jsonb(c.tags))
    FROM (SELECT DISTINCT content_type, content_id FROM unnest(deltas)) d
    JOIN grid_content c ON c.content_type = d.content_type AND c.content_id = d.content_id
    WHERE NOT EXISTS (SELECT 1 FROM bento_grid_items g
                      WHERE g.content_type = d.content_type AND g.content_id = d.content_id)
    ORDER BY c.content_type, c.content_id
    ON CONFLICT (content_type, content_id) DO NOTHING
$$;
REVOKE ALL ON FUNCTION engagement_grid_rows_create(engagement_delta[]) FROM PUBLIC;
