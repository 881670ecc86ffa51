"""The triggers that keep engagement figures exact, in the same transaction as the events.

`ScoreInsertedEvents` runs once per INSERT statement on content_engagement, with all the rows
it inserted (a transition table), so a batch of 500 events costs one pass, not 500. It sums
the rows into per-(content, hour) deltas and hands them to the SQL function `engagement_apply`
(engagement/sql/engagement_apply.sql; its statements are planned once per connection, unlike
statements that read a transition table), which:

1. locks (or creates, with the content's real title) each touched grid item, always in
   (content_type, content_id) order so that concurrent writers queue instead of deadlocking,
   adds the all-time view, share and bookmark counts, and refuses the whole statement if an
   event points at content that does not exist;
2. adds the deltas to the per-hour rollups;
3. recomputes each touched item's score, sentiment and 24-hour event count from at most
   24 + 168 rollup rows (`engagement_figures`).

Step 1 serialises writers of one item for the rest of their transaction, so step 3 always
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

    name = "score_inserted_events"
    level = pgtrigger.Statement
    when = pgtrigger.After
    operation = pgtrigger.Insert
    referencing = pgtrigger.Referencing(new="new_events")
    func = f"""
        PERFORM engagement_apply(ARRAY(
            SELECT ROW(content_type, content_id, date_trunc('hour', created_at, 'UTC'), count(*),
                       {_COUNTS_BY_KIND})::engagement_delta
            FROM new_events
            GROUP BY content_type, content_id, date_trunc('hour', created_at, 'UTC')
            ORDER BY content_type, content_id, date_trunc('hour', created_at, 'UTC')));
        RETURN NULL;
    """


class SkipRepeatedEvent(DefinerTrigger):
    """Drop an event whose event_uuid is already stored (a client's retry)."""

    name = "skip_repeated_event"
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
