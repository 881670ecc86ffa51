"""The engagement score, in SQL, in one place (SPEC section 4).

For one piece of content, over hourly buckets ending with the hour `as_of_hour`:
- score = views + 5 x shares + 3 x bookmarks + 20 x positive / all events, over the last 24
  buckets, clamped to 0..100, 2 decimals;
- positive_sentiment_percent = 100 x positive / all events over the last 168 buckets (7 days),
  50 when there are none.
The windows are whole hours (the current hour and the 23 or 167 before it), so the figures can
be computed from at most 24 + 168 rollup rows and still equal a recount of the raw events.

- `engagement_score_formula`, `engagement_sentiment_percent`: the two formulas.
- `engagement_figures(as_of_hour)`: each content's window sums and figures from the rollups
  (an inlinable SQL function: callers' filters reach the rollups index).
- `engagement_rescore_all()`: recompute every grid item for the current hour, so that items
  without new events decay; the hourly refresh calls it.
- `engagement_score_drift()`: every figure that differs from a recount of the raw events.
- `engagement_sentiment_7d`: the public per-content aggregates (counts and percents only).
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION engagement_score_formula(
    views bigint, shares bigint, bookmarks bigint, positive bigint, events bigint
) RETURNS numeric(5, 2)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT least(100, greatest(0, round(
        coalesce(views, 0) + 5 * coalesce(shares, 0) + 3 * coalesce(bookmarks, 0)
        + CASE WHEN coalesce(events, 0) > 0 THEN 20.0 * coalesce(positive, 0) / events ELSE 0 END,
    2)))::numeric(5, 2)
$$;

CREATE FUNCTION engagement_sentiment_percent(positive bigint, events bigint)
RETURNS numeric(5, 2)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN coalesce(events, 0) > 0
                THEN round(100.0 * coalesce(positive, 0) / events, 2)
                ELSE 50 END::numeric(5, 2)
$$;

CREATE FUNCTION engagement_figures(as_of_hour timestamptz)
RETURNS TABLE (
    content_type varchar, content_id bigint,
    events_24h integer, views_24h integer, shares_24h integer, bookmarks_24h integer,
    positive_24h integer, events_7d integer, positive_7d integer,
    engagement_score numeric, positive_sentiment_percent numeric
)
LANGUAGE sql STABLE AS $$
    SELECT content_type, content_id, events_24h, views_24h, shares_24h, bookmarks_24h,
           positive_24h, events_7d, positive_7d,
           engagement_score_formula(views_24h, shares_24h, bookmarks_24h, positive_24h, events_24h),
           engagement_sentiment_percent(positive_7d, events_7d)
    FROM (
        SELECT r.content_type, r.content_id,
               coalesce(sum(r.events) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS events_24h,
               coalesce(sum(r.views) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS views_24h,
               coalesce(sum(r.shares) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS shares_24h,
               coalesce(sum(r.bookmarks) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS bookmarks_24h,
               coalesce(sum(r.positive) FILTER (WHERE r.hour > as_of_hour - interval '24 hours'), 0)::integer AS positive_24h,
               sum(r.events)::integer AS events_7d,
               sum(r.positive)::integer AS positive_7d
        FROM engagement_rollups r
        WHERE r.hour > as_of_hour - interval '168 hours' AND r.hour <= as_of_hour
        GROUP BY r.content_type, r.content_id
    ) sums
$$;

CREATE FUNCTION engagement_rescore_all() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    as_of_hour timestamptz := date_trunc('hour', now(), 'UTC');
    changed integer;
BEGIN
    -- Take the rows in the order the scoring trigger takes them, so neither can deadlock
    -- the other; writers of engagement wait for the few milliseconds this takes.
    PERFORM 1 FROM bento_grid_items ORDER BY content_type, content_id FOR UPDATE;
    UPDATE bento_grid_items g
    SET events_24h = coalesce(f.events_24h, 0),
        views_24h = coalesce(f.views_24h, 0),
        shares_24h = coalesce(f.shares_24h, 0),
        bookmarks_24h = coalesce(f.bookmarks_24h, 0),
        positive_24h = coalesce(f.positive_24h, 0),
        events_7d = coalesce(f.events_7d, 0),
        positive_7d = coalesce(f.positive_7d, 0),
        engagement_score = coalesce(f.engagement_score, 0),
        positive_sentiment_percent = coalesce(f.positive_sentiment_percent, 50),
        scored_at = as_of_hour
    FROM bento_grid_items b
    LEFT JOIN engagement_figures(as_of_hour) f
           ON f.content_type = b.content_type AND f.content_id = b.content_id
    WHERE g.id = b.id
      AND (g.scored_at IS DISTINCT FROM as_of_hour
           OR g.events_7d IS DISTINCT FROM coalesce(f.events_7d, 0)
           OR g.events_24h IS DISTINCT FROM coalesce(f.events_24h, 0)
           OR g.engagement_score IS DISTINCT FROM coalesce(f.engagement_score, 0)
           OR g.positive_sentiment_percent IS DISTINCT FROM coalesce(f.positive_sentiment_percent, 50));
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END
$$;

-- Recounts every figure from the raw events, each item as of the hour it was scored for, and
-- returns one row per figure that differs. Reads every event: a verification, not a hot path.
CREATE FUNCTION engagement_score_drift()
RETURNS TABLE (
    grid_item_id bigint, content_type varchar, content_id bigint, figure text,
    stored numeric, recounted numeric
)
LANGUAGE sql STABLE AS $$
    WITH recount AS (
        SELECT g.id, g.content_type, g.content_id,
               g.view_count, g.share_count, g.bookmark_count,
               g.engagement_score, g.positive_sentiment_percent, g.events_24h,
               count(e.*) FILTER (WHERE e.interaction_type = 'view') AS views_all,
               count(e.*) FILTER (WHERE e.interaction_type = 'share') AS shares_all,
               count(e.*) FILTER (WHERE e.interaction_type = 'bookmark') AS bookmarks_all,
               g.views_24h, g.shares_24h, g.bookmarks_24h, g.positive_24h, g.events_7d, g.positive_7d,
               count(e.*) FILTER (WHERE e.created_at >= g.scored_at - interval '23 hours'
                                    AND e.created_at < g.scored_at + interval '1 hour') AS events_day,
               count(e.*) FILTER (WHERE e.interaction_type = 'view' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour') AS views_day,
               count(e.*) FILTER (WHERE e.interaction_type = 'share' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour') AS shares_day,
               count(e.*) FILTER (WHERE e.interaction_type = 'bookmark' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour') AS bookmarks_day,
               count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour') AS positive_day,
               count(e.*) FILTER (WHERE e.created_at >= g.scored_at - interval '167 hours' AND e.created_at < g.scored_at + interval '1 hour') AS events_week,
               count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.created_at >= g.scored_at - interval '167 hours' AND e.created_at < g.scored_at + interval '1 hour') AS positive_week,
               engagement_score_formula(
                   count(e.*) FILTER (WHERE e.interaction_type = 'view' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.interaction_type = 'share' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.interaction_type = 'bookmark' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.created_at >= g.scored_at - interval '23 hours' AND e.created_at < g.scored_at + interval '1 hour')
               ) AS score_day,
               engagement_sentiment_percent(
                   count(e.*) FILTER (WHERE e.sentiment = 'positive' AND e.created_at >= g.scored_at - interval '167 hours' AND e.created_at < g.scored_at + interval '1 hour'),
                   count(e.*) FILTER (WHERE e.created_at >= g.scored_at - interval '167 hours' AND e.created_at < g.scored_at + interval '1 hour')
               ) AS sentiment_week
        FROM bento_grid_items g
        LEFT JOIN content_engagement e
               ON e.content_type = g.content_type AND e.content_id = g.content_id
        GROUP BY g.id
    )
    SELECT id, content_type, content_id, figure, stored, recounted
    FROM recount,
         LATERAL (VALUES
             ('view_count', view_count::numeric, views_all::numeric),
             ('share_count', share_count::numeric, shares_all::numeric),
             ('bookmark_count', bookmark_count::numeric, bookmarks_all::numeric),
             ('events_24h', events_24h::numeric, coalesce(events_day, 0)::numeric),
             ('views_24h', views_24h::numeric, coalesce(views_day, 0)::numeric),
             ('shares_24h', shares_24h::numeric, coalesce(shares_day, 0)::numeric),
             ('bookmarks_24h', bookmarks_24h::numeric, coalesce(bookmarks_day, 0)::numeric),
             ('positive_24h', positive_24h::numeric, coalesce(positive_day, 0)::numeric),
             ('events_7d', events_7d::numeric, coalesce(events_week, 0)::numeric),
             ('positive_7d', positive_7d::numeric, coalesce(positive_week, 0)::numeric),
             ('engagement_score', engagement_score, coalesce(score_day, 0)),
             ('positive_sentiment_percent', positive_sentiment_percent, coalesce(sentiment_week, 50))
         ) AS figures (figure, stored, recounted)
    WHERE stored IS DISTINCT FROM recounted
    UNION ALL
    -- the rollups themselves against the events of their hour
    SELECT NULL, coalesce(r.content_type, e.content_type), coalesce(r.content_id, e.content_id),
           'rollup ' || to_char(coalesce(r.hour, e.hour) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00'),
           coalesce(r.events, 0), coalesce(e.events, 0)
    FROM engagement_rollups r
    FULL JOIN (
        SELECT content_type, content_id, date_trunc('hour', created_at, 'UTC') AS hour, count(*) AS events,
               count(*) FILTER (WHERE sentiment = 'positive') AS positive,
               count(*) FILTER (WHERE interaction_type = 'view') AS views
        FROM content_engagement GROUP BY 1, 2, 3
    ) e ON e.content_type = r.content_type AND e.content_id = r.content_id AND e.hour = r.hour
    WHERE r.events IS DISTINCT FROM e.events OR r.positive IS DISTINCT FROM e.positive
       OR r.views IS DISTINCT FROM e.views
$$;

CREATE VIEW engagement_sentiment_7d WITH (security_invoker = true) AS
    SELECT r.content_type, r.content_id,
           sum(r.events)::integer AS events,
           sum(r.positive)::integer AS positive,
           sum(r.negative)::integer AS negative,
           sum(r.neutral)::integer AS neutral,
           engagement_sentiment_percent(sum(r.positive), sum(r.events)) AS positive_percent,
           round(100.0 * sum(r.negative) / sum(r.events), 2)::numeric(5, 2) AS negative_percent,
           round(100.0 * sum(r.neutral) / sum(r.events), 2)::numeric(5, 2) AS neutral_percent
    FROM engagement_rollups r
    JOIN grid_content c ON c.content_type = r.content_type AND c.content_id = r.content_id
    WHERE r.hour > date_trunc('hour', now(), 'UTC') - interval '168 hours'
    GROUP BY r.content_type, r.content_id
    HAVING sum(r.events) > 0;

GRANT EXECUTE ON FUNCTION engagement_score_formula(bigint, bigint, bigint, bigint, bigint),
                          engagement_sentiment_percent(bigint, bigint),
                          engagement_figures(timestamptz)
    TO anon, authenticated, service_role;
REVOKE ALL ON FUNCTION engagement_rescore_all(), engagement_score_drift() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION engagement_rescore_all(), engagement_score_drift() TO service_role;
GRANT SELECT ON engagement_sentiment_7d TO anon, authenticated, service_role;
"""

DROP = """
DROP VIEW engagement_sentiment_7d;
DROP FUNCTION engagement_score_drift();
DROP FUNCTION engagement_rescore_all();
DROP FUNCTION engagement_figures(timestamptz);
DROP FUNCTION engagement_sentiment_percent(bigint, bigint);
DROP FUNCTION engagement_score_formula(bigint, bigint, bigint, bigint, bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0004_row_level_security"),
        ("grid", "0006_window_sums"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
