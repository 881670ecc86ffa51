-- engagement_content_missing(contents): the first of `contents` that does not exist or is hidden
-- (grid_content), NULL when all are active content. Called by the trigger that checks each
-- INSERT statement's events (engagement/triggers.py) with the statement's distinct contents: a
-- PL/pgSQL function, so that its plan is made once per connection, not at every statement as
-- for a query that reads the trigger's transition table. Runs as the trigger's owner; no API
-- role may call it.
CREATE OR REPLACE FUNCTION public.engagement_content_missing(contents public.engagement_content[])
RETURNS public.engagement_content
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
    missing public.engagement_content;
BEGIN
    SELECT k.content_type, k.content_id INTO missing
    FROM unnest(contents) k
    LEFT JOIN public.grid_content c
           ON c.content_type = k.content_type AND c.content_id = k.content_id
    WHERE c.is_active IS NOT TRUE
    ORDER BY k.content_type, k.content_id
    LIMIT 1;
    RETURN missing;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_content_missing(public.engagement_content[]) FROM PUBLIC;
