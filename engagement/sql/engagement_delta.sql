-- engagement_delta: one (content, hour)'s counts of new events. The scoring trigger
-- score_inserted_events (engagement/triggers.py) sums the rows of an INSERT statement into these
-- and hands them to engagement_apply (and it to engagement_grid_rows_create).
CREATE TYPE engagement_delta AS (
    content_type varchar(32), content_id bigint, hour timestamptz, events integer,
    views integer, clicks integer, shares integer, bookmarks integer, comments integer,
    reactions integer, positive integer, negative integer, neutral integer
);
