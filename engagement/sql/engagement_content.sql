-- engagement_content: a piece of content, as (content_type, content_id): the items whose figures
-- engagement_figures_update recomputes.
CREATE TYPE public.engagement_content AS (content_type varchar(32), content_id bigint);
