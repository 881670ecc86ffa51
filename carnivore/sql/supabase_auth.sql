-- supabase_auth: `auth.uid()`, `auth.role()` and `auth.jwt()`, created when absent with exactly
-- Supabase's definitions (they read the transaction-local setting `request.jwt.claims` that
-- carnivore/db_context.py sets). On Supabase they exist already and are reused, never replaced;
-- the `auth` schema belongs to the platform there, so nothing here is ever dropped.
CREATE SCHEMA IF NOT EXISTS auth;
DO $$
BEGIN
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid SET search_path TO '' AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
            )::uuid
        $f$ LANGUAGE sql STABLE;
        GRANT EXECUTE ON FUNCTION auth.uid() TO anon, authenticated, service_role;
    END IF;
    IF to_regprocedure('auth.role()') IS NULL THEN
        CREATE FUNCTION auth.role() RETURNS text SET search_path TO '' AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.role', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
            )::text
        $f$ LANGUAGE sql STABLE;
        GRANT EXECUTE ON FUNCTION auth.role() TO anon, authenticated, service_role;
    END IF;
    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb SET search_path TO '' AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $f$ LANGUAGE sql STABLE;
        GRANT EXECUTE ON FUNCTION auth.jwt() TO anon, authenticated, service_role;
    END IF;
    IF (SELECT nspowner = current_user::regrole FROM pg_namespace WHERE nspname = 'auth') THEN
        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
    END IF;
END
$$;
