-- api_roles: Supabase's API roles `anon`, `authenticated` and `service_role` (NOLOGIN), created
-- when absent and reused where they exist (Supabase ships them), and the connecting user's right
-- to switch to them (carnivore/db_context.py does SET LOCAL ROLE for every request and job).
-- Roles belong to the whole cluster (on Supabase, to the platform): nothing here is ever dropped.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN NOINHERIT;
    END IF;
END
$$;
-- Granted only where the user may not switch yet: from PostgreSQL 16 granting a membership takes
-- the ADMIN option, which a non-superuser owner that is already a member (Supabase's `postgres`)
-- does not hold; switching takes the SET option there, mere membership before.
DO $$
DECLARE
    api_role text;
BEGIN
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT pg_has_role(current_user, api_role,
                           CASE WHEN current_setting('server_version_num')::integer >= 160000
                                THEN 'SET' ELSE 'MEMBER' END) THEN
            EXECUTE format('GRANT %I TO CURRENT_USER', api_role);
        END IF;
    END LOOP;
END
$$;
