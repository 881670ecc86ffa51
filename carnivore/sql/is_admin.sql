-- app_private.is_admin(): editors, superusers and the weekly import, who may change the grid and
-- the content. Used by the policies of every app.
CREATE OR REPLACE FUNCTION app_private.is_admin() RETURNS boolean
LANGUAGE sql STABLE SET search_path TO '' AS $$
    SELECT coalesce(app_private.app_role() = 'admin', false)
$$;
REVOKE ALL ON FUNCTION app_private.is_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_private.is_admin() TO anon, authenticated, service_role;
