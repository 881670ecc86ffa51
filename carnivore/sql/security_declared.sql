-- security_declared: the security state that the source files declare (policies, the API roles'
-- privileges, function and operator definitions), recorded by `migrate` for `doctor` to compare
-- the live state with (carnivore/security_state.py). Only the owner writes it; the connecting
-- role reads it.
CREATE TABLE IF NOT EXISTS app_private.security_declared (
    kind text NOT NULL,
    object text NOT NULL,
    detail text NOT NULL,
    PRIMARY KEY (kind, object, detail)
);
REVOKE ALL ON app_private.security_declared FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT ON app_private.security_declared TO carnivore_runtime;
