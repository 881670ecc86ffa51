-- app_private.is_staff(): admins and auditors, who may read everything, including inactive rows
-- and the audit log. Used by the policies of every app.
CREATE OR REPLACE FUNCTION app_private.is_staff() RETURNS boolean
LANGUAGE sql STABLE SET search_path TO '' AS $$
    SELECT coalesce(app_private.app_role() IN ('admin', 'auditor'), false)
$$;
REVOKE ALL ON FUNCTION app_private.is_staff() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_private.is_staff() TO anon, authenticated, service_role;
