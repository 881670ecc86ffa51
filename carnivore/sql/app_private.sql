-- app_private: the schema of the staff checks and helpers that policies and migrations use, in
-- a schema no API exposes. The API roles may use it only to call what each function grants.
CREATE SCHEMA IF NOT EXISTS app_private;
REVOKE ALL ON SCHEMA app_private FROM PUBLIC;
GRANT USAGE ON SCHEMA app_private TO anon, authenticated, service_role;
