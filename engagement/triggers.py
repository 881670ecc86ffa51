"""The triggers on content_engagement: each event is checked and completed as it is stored.

Events append and touch no shared row: counting them into rollups and grid items is the
rollup's job, moments later (engagement/sql/engagement_rollup_drain.sql), so that concurrent
writers, even on one hot item, never wait for each other. What must hold for every event, by
whatever path it arrives (the API, Supabase's REST API with the public key, raw SQL), is
enforced here, at a cost per statement rather than per row wherever possible (a 500-event batch
pays for its checks once):

- `PrepareInsert` (before each INSERT statement) works out, once, what the statement's rows
  record about who stored them: the staff role of the claims (`app_role`) and the reader the
  events count for in the ranking (`reader_key`: the signed-in user's id, or for an anonymous
  reader a fingerprint of the day, engagement/sql/engagement_reader_fingerprint.sql). The
  columns' defaults read them; no API role may write those columns itself (column privileges,
  engagement/sql/content_engagement_policies.sql), nor `db_role` and `insert_xid`.
- `SkipRepeatedEvent` (per row, only for rows with an `event_uuid`) stores a retried event
  once: a unique key on the partitioned table would have to include created_at, so the keys live
  in engagement_event_keys.
- `CheckInsertedEvents` (after each INSERT statement, with all its rows) refuses the whole
  statement if an event is in the future (a trigger, not a CHECK on now(): a dump must restore)
  or points at content that does not exist or is hidden (grid_content).

All three are SECURITY DEFINER with an empty search_path (every name qualified), and strict: no
session setting switches them off.
"""

from __future__ import annotations

import pgtrigger

from carnivore.triggers import DefinerTrigger

# The transaction-local settings PrepareInsert fills and the columns' defaults read.
READER_KEY_SETTING = "carnivore.reader_key"
APP_ROLE_SETTING = "carnivore.app_role"


class PrepareInsert(DefinerTrigger):
    """Work out the statement's app_role and reader_key once (see module doc)."""

    name = "prepare_insert"
    level = pgtrigger.Statement
    when = pgtrigger.Before
    operation = pgtrigger.Insert
    func = f"""
        PERFORM set_config('{APP_ROLE_SETTING}',
                           coalesce((SELECT auth.jwt()) -> 'app_metadata' ->> 'role', ''), true);
        PERFORM set_config('{READER_KEY_SETTING}',
                           coalesce((SELECT auth.uid()),
                                    public.engagement_reader_fingerprint())::text, true);
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
        INSERT INTO public.engagement_event_keys (event_uuid, created_at)
        VALUES (NEW.event_uuid, NEW.created_at)
        ON CONFLICT (event_uuid) DO NOTHING;
        IF FOUND THEN
            RETURN NEW;
        END IF;
        RETURN NULL;
    """


class CheckInsertedEvents(DefinerTrigger):
    """Refuse a statement with an event in the future or for missing or hidden content."""

    name = "check_inserted_events"
    level = pgtrigger.Statement
    when = pgtrigger.After
    operation = pgtrigger.Insert
    referencing = pgtrigger.Referencing(new="new_events")
    declare = [
        ("latest", "timestamptz"),
        ("contents", "public.engagement_content[]"),
        ("missing", "public.engagement_content"),
    ]
    # One pass over the statement's rows (PL/pgSQL plans a query that reads the transition
    # table anew at every statement: keep it simple); the lookups then run in a function whose
    # plan is kept per connection.
    func = """
        SELECT max(e.created_at),
               array_agg(DISTINCT ROW(e.content_type, e.content_id)::public.engagement_content)
        INTO latest, contents
        FROM new_events e;
        IF latest > clock_timestamp() THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation',
                CONSTRAINT = 'content_engagement_created_at_not_future',
                MESSAGE = format('created_at %s is in the future', latest);
        END IF;
        missing := public.engagement_content_missing(contents);
        IF missing.content_id IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
                CONSTRAINT = 'content_engagement_content_exists',
                MESSAGE = format('%s %s does not exist or is hidden',
                                 missing.content_type, missing.content_id);
        END IF;
        RETURN NULL;
    """
