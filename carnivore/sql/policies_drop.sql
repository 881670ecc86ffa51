-- app_private.policies_drop(table): drop every row-level security policy of a table. Each
-- policy set (`<app>/sql/<table>_policies.sql`) starts with it, so that running the file again
-- leaves exactly the policies it declares. Run only by migrations, as the owner.
CREATE OR REPLACE FUNCTION app_private.policies_drop(target regclass) RETURNS void
LANGUAGE plpgsql SET search_path TO '' AS $$
DECLARE
    policy_name name;
BEGIN
    FOR policy_name IN SELECT polname FROM pg_catalog.pg_policy WHERE polrelid = target LOOP
        EXECUTE format('DROP POLICY %I ON %s', policy_name, target);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION app_private.policies_drop(regclass) FROM PUBLIC;
