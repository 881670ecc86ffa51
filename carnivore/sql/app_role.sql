-- app_private.app_role(): the staff role the request's claims carry in app_metadata.role:
-- 'admin', 'auditor' or NULL. It runs with the caller's rights (it reads only the caller's own
-- claims), so that no API role may execute a function with the owner's rights (Supabase's
-- Security Advisor warns of those); an empty search_path, every name qualified.
CREATE OR REPLACE FUNCTION app_private.app_role() RETURNS text
LANGUAGE sql STABLE SET search_path TO '' AS $$
    SELECT (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'
$$;
REVOKE ALL ON FUNCTION app_private.app_role() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_private.app_role() TO anon, authenticated, service_role;
