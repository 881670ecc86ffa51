-- engagement_delta: one (content, hour)'s counts of newly committed events, and of the readers'
-- votes among them that were new (one reader, one vote per kind, item and hour). The rollup
-- (engagement_rollup_drain) sums a batch of events into these, then adds them to the hourly
-- rollups and the grid items.
CREATE TYPE public.engagement_delta AS (
    content_type varchar(32), content_id bigint, hour timestamptz, events integer,
    views integer, clicks integer, shares integer, bookmarks integer, comments integer,
    reactions integer, positive integer, negative integer, neutral integer,
    reader_views integer, reader_clicks integer, reader_shares integer,
    reader_bookmarks integer, reader_comments integer, reader_positive integer,
    reader_negative integer
);
