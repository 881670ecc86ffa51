"""The one trigger on content_engagement: it checks and completes each event as it is inserted.

Events append and touch no shared row: counting them into rollups and grid items is the
rollup's job, moments later (engagement/sql/engagement_rollup_drain.sql), so that concurrent
writers, even on one hot item, never wait for each other. What must hold for every event, by
whatever path it arrives (the API, Supabase's REST API with the public key, raw SQL), is
checked here, before the row is stored:

- `created_at` is not in the future (a trigger, not a CHECK on now(): a dump must restore);
- the content exists and is active (grid_content): hidden content gets no engagement;
- the event records who stored it, instead of an audit-log copy: `db_role` and `app_role`;
- `reader_key`: the reader it counts for in the ranking: the user's id, or for an anonymous
  reader a fingerprint of the day (engagement/sql/engagement_reader_fingerprint.sql);
- `insert_xid`: the transaction that stored it, which the rollup's watermark follows;
- a retried event (an `event_uuid` already stored) is skipped, stored once: a unique key on the
  partitioned table would have to include created_at, so the keys live in
  engagement_event_keys.

SECURITY DEFINER with an empty search_path (every name qualified), and strict: no session
setting switches it off. Whatever the client sent for the columns it sets is overwritten.
"""

from __future__ import annotations

import pgtrigger

from carnivore.triggers import DefinerTrigger


class PrepareEvent(DefinerTrigger):
    """Check and complete each inserted event (see module doc)."""

    name = "prepare_event"
    level = pgtrigger.Row
    when = pgtrigger.Before
    operation = pgtrigger.Insert
    declare = [("content_active", "boolean")]
    func = """
        IF NEW.created_at > clock_timestamp() THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation',
                CONSTRAINT = 'content_engagement_created_at_not_future',
                MESSAGE = format('created_at %s is in the future', NEW.created_at);
        END IF;
        SELECT c.is_active INTO content_active FROM public.grid_content c
        WHERE c.content_type = NEW.content_type AND c.content_id = NEW.content_id;
        IF content_active IS NOT TRUE THEN
            RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
                CONSTRAINT = 'content_engagement_content_exists',
                MESSAGE = format('%s %s does not exist or is hidden',
                                 NEW.content_type, NEW.content_id);
        END IF;
        NEW.db_role := CASE current_setting('role') WHEN 'none' THEN session_user
                       ELSE current_setting('role') END;
        NEW.app_role := (SELECT auth.jwt()) -> 'app_metadata' ->> 'role';
        NEW.reader_key := coalesce(NEW.user_id, public.engagement_reader_fingerprint());
        NEW.insert_xid := pg_current_xact_id();
        IF NEW.event_uuid IS NOT NULL THEN
            INSERT INTO public.engagement_event_keys (event_uuid, created_at)
            VALUES (NEW.event_uuid, NEW.created_at)
            ON CONFLICT (event_uuid) DO NOTHING;
            IF NOT FOUND THEN
                RETURN NULL;
            END IF;
        END IF;
        RETURN NEW;
    """
