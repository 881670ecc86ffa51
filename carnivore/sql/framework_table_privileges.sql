-- framework_table_privileges: deny by default. Django's own tables hold password hashes, tokens
-- and job payloads: no API role may touch them (Supabase grants the API roles everything in
-- `public` by default), nor tables, sequences and functions this user creates later; each app's
-- policy sets grant back exactly what its tables need. The admin reads Django's tables (log
-- entries, accounts) as the connecting role (see carnivore/db_context.py).
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role;
-- Functions stay executable by PUBLIC (PostgreSQL's default); each SECURITY DEFINER function
-- revokes that itself where it is created.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM anon, authenticated, service_role;
REVOKE ALL ON
    carnivore_user, carnivore_user_groups, carnivore_user_user_permissions,
    auth_group, auth_group_permissions, auth_permission, django_content_type,
    django_admin_log, authtoken_token, django_migrations,
    django_q_ormq, django_q_schedule, django_q_task
FROM anon, authenticated, service_role;
-- Content types are public metadata the admin looks up while running under a request's role.
GRANT SELECT ON django_content_type TO authenticated, service_role;
