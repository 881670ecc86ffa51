"""The triggers that keep engagement figures exact, in the same transaction as the events.

`ScoreInsertedEvents` runs once per INSERT statement on content_engagement, with all the rows
it inserted (a transition table), so a batch of 500 events costs one pass, not 500:

1. refuse the whole statement if any event points at content that does not exist;
2. lock (or create, with the content's real title) each touched grid item, always in
   (content_type, content_id) order so that concurrent writers queue instead of deadlocking,
   and add the all-time view, share and bookmark counts;
3. add the statement's events to the per-hour rollups;
4. recompute each touched item's score, sentiment and 24-hour event count from at most
   24 + 168 rollup rows (`engagement_figures`).

Step 2 serialises writers of one item for the rest of their transaction, so step 4 always
reads every earlier writer's rollups: the figures equal a recount of the raw events.

`SkipRepeatedEvent` stores an event whose client-chosen `event_uuid` was seen before only once:
a unique key on the partitioned table would have to include created_at, so the keys live in
engagement_event_keys. Both run as the table owner (SECURITY DEFINER) and cannot be switched off.
"""

from __future__ import annotations

import pgtrigger

from carnivore.triggers import DefinerTrigger

_COUNTS_BY_KIND = """
    count(*) FILTER (WHERE interaction_type = 'view'),
    count(*) FILTER (WHERE interaction_type = 'click'),
    count(*) FILTER (WHERE interaction_type = 'share'),
    count(*) FILTER (WHERE interaction_type = 'bookmark'),
    count(*) FILTER (WHERE interaction_type = 'comment'),
    count(*) FILTER (WHERE interaction_type = 'reaction'),
    count(*) FILTER (WHERE sentiment = 'positive'),
    count(*) FILTER (WHERE sentiment = 'negative'),
    count(*) FILTER (WHERE sentiment = 'neutral')
"""


class ScoreInsertedEvents(DefinerTrigger):
    """Keep rollups and grid-item figures exact for every inserted event (see module doc)."""

    level = pgtrigger.Statement
    when = pgtrigger.After
    operation = pgtrigger.Insert
    referencing = pgtrigger.Referencing(new="new_events")
    declare = [("as_of_hour", "timestamptz"), ("missing", "record")]
    func = f"""
        as_of_hour := date_trunc('hour', now(), 'UTC');

        SELECT n.content_type, n.content_id INTO missing
        FROM (SELECT DISTINCT content_type, content_id FROM new_events) n
        WHERE NOT EXISTS (
            SELECT 1 FROM grid_content c
            WHERE c.content_type = n.content_type AND c.content_id = n.content_id)
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING
                ERRCODE = 'foreign_key_violation',
                CONSTRAINT = 'content_engagement_content_exists',
                MESSAGE = format('%s %s does not exist', missing.content_type, missing.content_id);
        END IF;

        INSERT INTO bento_grid_items AS g (
            content_type, content_id, content_title, base_score, data,
            view_count, share_count, bookmark_count)
        SELECT n.content_type, n.content_id, c.title, c.base_score,
               jsonb_build_object('tags', to_jsonb(c.tags)), n.views, n.shares, n.bookmarks
        FROM (
            SELECT content_type, content_id,
                   count(*) FILTER (WHERE interaction_type = 'view') AS views,
                   count(*) FILTER (WHERE interaction_type = 'share') AS shares,
                   count(*) FILTER (WHERE interaction_type = 'bookmark') AS bookmarks
            FROM new_events GROUP BY content_type, content_id
        ) n
        JOIN grid_content c ON c.content_type = n.content_type AND c.content_id = n.content_id
        ORDER BY n.content_type, n.content_id
        ON CONFLICT (content_type, content_id) DO UPDATE
        SET view_count = g.view_count + excluded.view_count,
            share_count = g.share_count + excluded.share_count,
            bookmark_count = g.bookmark_count + excluded.bookmark_count;

        INSERT INTO engagement_rollups AS r (
            content_type, content_id, hour, events, views, clicks, shares, bookmarks,
            comments, reactions, positive, negative, neutral)
        SELECT content_type, content_id, date_trunc('hour', created_at, 'UTC'), count(*),
               {_COUNTS_BY_KIND}
        FROM new_events
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        ON CONFLICT (content_type, content_id, hour) DO UPDATE
        SET events = r.events + excluded.events,
            views = r.views + excluded.views,
            clicks = r.clicks + excluded.clicks,
            shares = r.shares + excluded.shares,
            bookmarks = r.bookmarks + excluded.bookmarks,
            comments = r.comments + excluded.comments,
            reactions = r.reactions + excluded.reactions,
            positive = r.positive + excluded.positive,
            negative = r.negative + excluded.negative,
            neutral = r.neutral + excluded.neutral;

        UPDATE bento_grid_items g
        SET engagement_score = coalesce(f.engagement_score, 0),
            positive_sentiment_percent = coalesce(f.positive_sentiment_percent, 50),
            events_24h = coalesce(f.events_24h, 0),
            scored_at = as_of_hour
        FROM (SELECT DISTINCT content_type, content_id FROM new_events) t
        LEFT JOIN LATERAL (
            -- LATERAL, so the item's key reaches the rollups index inside the function
            SELECT * FROM engagement_figures(as_of_hour) x
            WHERE x.content_type = t.content_type AND x.content_id = t.content_id
        ) f ON true
        WHERE g.content_type = t.content_type AND g.content_id = t.content_id;

        RETURN NULL;
    """

    def __init__(self, *, name: str = "score_inserted_events", **kwargs):
        super().__init__(name=name, **kwargs)


class SkipRepeatedEvent(DefinerTrigger):
    """Drop an event whose event_uuid is already stored (a client's retry)."""

    level = pgtrigger.Row
    when = pgtrigger.Before
    operation = pgtrigger.Insert
    condition = pgtrigger.Condition("NEW.event_uuid IS NOT NULL")
    func = """
        INSERT INTO engagement_event_keys (event_uuid, created_at)
        VALUES (NEW.event_uuid, NEW.created_at)
        ON CONFLICT (event_uuid) DO NOTHING;
        IF FOUND THEN
            RETURN NEW;
        END IF;
        RETURN NULL;
    """

    def __init__(self, *, name: str = "skip_repeated_event", **kwargs):
        super().__init__(name=name, **kwargs)
