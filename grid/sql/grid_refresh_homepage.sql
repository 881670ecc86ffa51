-- grid_refresh_homepage(slots): refresh homepage_grid with its top `slots` items (GRID_SLOTS),
-- concurrently. Called by the hourly grid refresh (grid/services.py) as the service role.
-- REFRESH needs the view's owner before PostgreSQL 17, so it is SECURITY DEFINER, executable by
-- the service role alone (grid_refresh runs as it for admins too; no API role a client can
-- reach may run a definer function), and it checks that the caller is the service role or an
-- admin: nobody else may make the database do the work.
CREATE OR REPLACE FUNCTION grid_refresh_homepage(slots integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF NOT ((SELECT auth.role()) = 'service_role' OR (SELECT app_private.is_admin())) THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only the service role or an admin may refresh homepage_grid';
    END IF;
    IF slots < 1 OR slots > 100 THEN
        RAISE EXCEPTION 'slots must be between 1 and 100, not %', slots;
    END IF;
    PERFORM set_config('carnivore.grid_slots', slots::text, true);
    REFRESH MATERIALIZED VIEW CONCURRENTLY public.homepage_grid;
END
$$;
REVOKE ALL ON FUNCTION grid_refresh_homepage(integer) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION grid_refresh_homepage(integer) TO service_role;
