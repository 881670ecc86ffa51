-- runtime_role: `carnivore_runtime` (NOLOGIN), the rights of the web processes and job workers
-- when they connect as a login role that does not own the schema (Supabase's authenticator
-- pattern; README "Deploy"): an operator grants it to that login role. Through it the login role
-- may switch to the API roles, for every request and job, and use Django's own tables
-- (framework_table_privileges.sql); it may not alter, disable or drop anything, so it cannot
-- switch off what the triggers guard. Created when absent and never dropped: roles belong to
-- the whole cluster.
DO $$
DECLARE
    api_role text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'carnivore_runtime') THEN
        CREATE ROLE carnivore_runtime NOLOGIN;
    END IF;
    -- Granting a role takes its ADMIN option, which a non-superuser owner may lack for roles
    -- it did not create (Supabase's `postgres` on PostgreSQL 16+): doctor then names what the
    -- runtime login role may not do.
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT pg_catalog.pg_has_role('carnivore_runtime', api_role, 'MEMBER')
           AND pg_catalog.pg_has_role(current_user, api_role, 'MEMBER WITH ADMIN OPTION') THEN
            EXECUTE format('GRANT %I TO carnivore_runtime', api_role);
        END IF;
    END LOOP;
END
$$;
