-- grid_item_sources: the grid row that each piece of content should have, built in this one
-- place for everything that creates or refreshes grid rows (the weekly import in
-- trending/weekly_import, the engagement rollup for content first seen through readers): the
-- title a tile shows, the score the content was imported with (the ranking's prior), the week
-- it belongs to (the ranking's age), and the tile's data: tags normalised as everywhere
-- (grid_tags_normalise), and for a video its thumbnail, creator, views and YouTube id.
-- `security_invoker`: a caller sees the content row-level security lets them see.
--
-- A video's week is the newest week a crawl listed it or a report named it (last_seen_week, kept
-- by the import), else its newest crawl, else the day it was published, else the day it was
-- stored.
CREATE OR REPLACE VIEW public.grid_item_sources WITH (security_invoker = true) AS
    SELECT 'trending_topic'::varchar(32) AS content_type, t.id AS content_id,
           t.topic_name::varchar(500) AS content_title, t.engagement_score AS base_score,
           t.last_seen_week AS week_of, t.is_active,
           jsonb_build_object(
               'tags', to_jsonb(public.grid_tags_normalise(t.tags::text[])),
               'week_of', t.last_seen_week, 'slug', t.topic_slug) AS data
    FROM public.trending_topics t
    UNION ALL
    SELECT 'top_video', v.id, v.title, v.engagement_score, w.week_of, v.is_active,
           jsonb_build_object(
               'tags', to_jsonb(public.grid_tags_normalise(v.tags::text[])),
               'week_of', w.week_of, 'video_id', v.video_id, 'thumbnail_url', v.thumbnail_url,
               'creator', c.creator_name, 'views', v.views)
    FROM public.top_videos v
    JOIN public.creators c ON c.id = v.creator_id
    CROSS JOIN LATERAL (
        SELECT coalesce(
                   v.last_seen_week,
                   (SELECT max(crawl.collected_on) FROM public.top_video_weeks appearance
                    JOIN public.youtube_crawls crawl ON crawl.id = appearance.crawl_id
                    WHERE appearance.video_id = v.id),
                   (v.published_at AT TIME ZONE 'UTC')::date,
                   (v.created_at AT TIME ZONE 'UTC')::date) AS week_of
    ) w
    UNION ALL
    SELECT e.kind, e.id, e.title, 0::numeric(5, 2), (e.created_at AT TIME ZONE 'UTC')::date,
           e.is_active,
           jsonb_build_object('tags', to_jsonb(public.grid_tags_normalise(e.tags::text[])))
    FROM public.editorial_items e;
GRANT SELECT ON public.grid_item_sources TO authenticated, service_role;
