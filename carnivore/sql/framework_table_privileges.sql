-- framework_table_privileges: deny by default. Django's own tables hold password hashes, session
-- keys, tokens, sign-in attempts and job payloads: no API role may touch them (Supabase grants
-- the API roles everything in `public` by default), nor the sequences, tables and functions
-- this user creates later; each app's policy sets grant back exactly what its tables need. The
-- admin, sessions and sign-in throttling use Django's tables as the connecting role: the owner,
-- or a login role holding carnivore_runtime (runtime_role.sql), which gets them here.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role;
-- Functions stay executable by PUBLIC (PostgreSQL's default); each SECURITY DEFINER function
-- revokes that itself where it is created.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM anon, authenticated, service_role;
-- Nobody but the owner creates objects in `public`: a function or operator planted there could
-- be picked up by the application's own queries, which run with the owner's rights. (A grant
-- made by another role, e.g. the platform's, stays: doctor names it.)
REVOKE CREATE ON SCHEMA public FROM PUBLIC, anon, authenticated, service_role;
REVOKE ALL ON
    carnivore_user, carnivore_user_groups, carnivore_user_user_permissions,
    auth_group, auth_group_permissions, auth_permission, django_content_type,
    django_admin_log, authtoken_token, django_migrations, django_session,
    django_q_ormq, django_q_schedule, django_q_task,
    axes_accessattempt, axes_accessattemptexpiration, axes_accessfailurelog, axes_accesslog
FROM anon, authenticated, service_role;
-- Every sequence, also of tables added later: `setval` on Django's (a default grant on Supabase)
-- would make the next insert fail. Back to the API roles only what their table grants need: a
-- column default drawing from a sequence (serial) needs USAGE on it to insert.
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM anon, authenticated, service_role;
DO $$
DECLARE
    needed record;
BEGIN
    FOR needed IN
        SELECT DISTINCT s.oid::regclass AS sequence, r.rolname
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
        JOIN pg_catalog.pg_roles r ON r.rolname IN ('anon', 'authenticated', 'service_role')
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'a'
          AND t.relnamespace = 'public'::regnamespace
          AND pg_catalog.has_table_privilege(r.oid, t.oid, 'INSERT')
    LOOP
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', needed.sequence, needed.rolname);
    END LOOP;
END
$$;
-- Content types are public metadata the admin looks up while running under a request's role.
GRANT SELECT ON django_content_type TO authenticated, service_role;
-- Row-level security on every table in `public` (Supabase's Security Advisor reports any table
-- there without it): no policy lets an API role in, whatever a grant says; the owner is not bound
-- (not FORCEd); carnivore_runtime may use every row, and the sequences the tables draw from.
DO $$
DECLARE
    framework_table text;
    table_sequence regclass;
BEGIN
    FOREACH framework_table IN ARRAY ARRAY[
        'carnivore_user', 'carnivore_user_groups', 'carnivore_user_user_permissions', 'auth_group',
        'auth_group_permissions', 'auth_permission', 'django_content_type', 'django_admin_log',
        'authtoken_token', 'django_migrations', 'django_session', 'django_q_ormq',
        'django_q_schedule', 'django_q_task', 'axes_accessattempt', 'axes_accessattemptexpiration',
        'axes_accessfailurelog', 'axes_accesslog'
    ] LOOP
        PERFORM app_private.policies_drop(format('public.%I', framework_table)::regclass);
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', framework_table);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO carnivore_runtime',
                       framework_table);
        FOR table_sequence IN
            SELECT d.objid::regclass FROM pg_catalog.pg_depend d
            JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
            WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
              AND d.refobjid = format('public.%I', framework_table)::regclass
        LOOP
            EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO carnivore_runtime',
                           table_sequence);
        END LOOP;
    END LOOP;
END
$$;
CREATE POLICY carnivore_user_runtime ON carnivore_user TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY carnivore_user_groups_runtime ON carnivore_user_groups TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY carnivore_user_user_permissions_runtime ON carnivore_user_user_permissions TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY auth_group_runtime ON auth_group TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY auth_group_permissions_runtime ON auth_group_permissions TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY auth_permission_runtime ON auth_permission TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY django_content_type_runtime ON django_content_type TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY django_admin_log_runtime ON django_admin_log TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY authtoken_token_runtime ON authtoken_token TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY django_migrations_runtime ON django_migrations TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY django_session_runtime ON django_session TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY django_q_ormq_runtime ON django_q_ormq TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY django_q_schedule_runtime ON django_q_schedule TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY django_q_task_runtime ON django_q_task TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY axes_accessattempt_runtime ON axes_accessattempt TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY axes_accessattemptexpiration_runtime ON axes_accessattemptexpiration TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY axes_accessfailurelog_runtime ON axes_accessfailurelog TO carnivore_runtime USING (true) WITH CHECK (true);
CREATE POLICY axes_accesslog_runtime ON axes_accesslog TO carnivore_runtime USING (true) WITH CHECK (true);
-- The admin reads content types under a request's role.
CREATE POLICY django_content_type_read ON django_content_type FOR SELECT
    TO authenticated, service_role USING (true);
