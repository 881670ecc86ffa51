-- engagement_salts_expire(): delete the salts of anonymous readers' fingerprints of every day
-- before today (UTC), so that no fingerprint can be recomputed after its day; returns how many
-- were deleted. Run daily by the partition maintenance job (engagement/tasks.py) as the service
-- role; the salts themselves belong to the owner only (engagement_salts_policies).
CREATE OR REPLACE FUNCTION public.engagement_salts_expire() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    deleted integer;
BEGIN
    DELETE FROM public.engagement_salts WHERE day < (now() AT TIME ZONE 'UTC')::date;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_salts_expire() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.engagement_salts_expire() TO service_role;
