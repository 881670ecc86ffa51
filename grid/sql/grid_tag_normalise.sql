-- grid_tag_normalise(tag): the one normalisation of tags and interests, wherever they are stored
-- or compared: accents off (NFKD, combining marks dropped), lower case, and nothing but letters
-- a-z and digits kept, so "Budget carnivore", "budget-carnivore", "#BudgetCarnivore" and
-- "budgetcarnivore" are one tag. grid.tags.tag_normalise is the same rule in Python (a property
-- test holds the two together). grid_tags_normalise(tags) normalises a list: in order, blanks
-- and repeats dropped.
CREATE OR REPLACE FUNCTION public.grid_tag_normalise(tag text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT SET search_path = '' AS $$
    SELECT regexp_replace(lower(regexp_replace(normalize(tag, NFKD), '[\u0300-\u036f]', '', 'g')), '[^a-z0-9]', '', 'g')
$$;

CREATE OR REPLACE FUNCTION public.grid_tags_normalise(tags text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
    SELECT coalesce(array_agg(t.tag ORDER BY t.first), '{}')
    FROM (
        SELECT public.grid_tag_normalise(raw.tag) AS tag, min(raw.n) AS first
        FROM unnest(tags) WITH ORDINALITY AS raw (tag, n)
        GROUP BY 1
    ) t
    WHERE t.tag <> ''
$$;
GRANT EXECUTE ON FUNCTION public.grid_tag_normalise(text), public.grid_tags_normalise(text[])
    TO anon, authenticated, service_role;
