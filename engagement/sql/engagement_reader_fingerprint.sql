-- engagement_reader_fingerprint(): who an anonymous event counts for in the ranking, as a uuid:
-- a SHA-256 of the day's salt, the client's address and its user agent (the cookieless way
-- Plausible counts unique visitors). The address and user agent come from the setting
-- `request.headers`, the JSON object of request headers that Supabase's REST API (PostgREST)
-- sets for every request and that the events API (engagement/services.py) sets the same way:
-- `cf-connecting-ip`, else `x-real-ip`, else the last hop of `x-forwarded-for`. The rollup
-- (engagement_rollup_drain) makes each day's salt the day before and deletes it when the day is
-- over (so does the daily job, engagement.services.engagement_salts_expire), so yesterday's
-- fingerprints can never be recomputed from an address: no address is ever stored. Should no
-- salt exist yet (no rollup has run), this makes it.
--
-- Called only by the trigger on content_engagement (engagement/triggers.py), which runs as the
-- owner; no API role may call it (it would reveal the salt's output).
CREATE OR REPLACE FUNCTION public.engagement_reader_fingerprint() RETURNS uuid
LANGUAGE plpgsql VOLATILE SET search_path = '' AS $$
DECLARE
    headers jsonb := nullif(current_setting('request.headers', true), '')::jsonb;
    address text := coalesce(
        headers ->> 'cf-connecting-ip',
        headers ->> 'x-real-ip',
        btrim(split_part(headers ->> 'x-forwarded-for', ',', -1)),
        '');
    today date := (now() AT TIME ZONE 'UTC')::date;
    day_salt bytea;
BEGIN
    SELECT s.salt INTO day_salt FROM public.engagement_salts s WHERE s.day = today;
    IF NOT FOUND THEN
        INSERT INTO public.engagement_salts (day, salt)
        VALUES (today, uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
        ON CONFLICT (day) DO NOTHING;
        SELECT s.salt INTO day_salt FROM public.engagement_salts s WHERE s.day = today;
    END IF;
    RETURN encode(
        sha256(day_salt || convert_to(address || E'\n' || coalesce(headers ->> 'user-agent', ''), 'UTF8')),
        'hex')::varchar(32)::uuid;
END
$$;
REVOKE ALL ON FUNCTION public.engagement_reader_fingerprint() FROM PUBLIC;
