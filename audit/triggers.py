"""The audit triggers: every INSERT, UPDATE and DELETE on an audited table leaves one audit_log row.

The trigger functions are SECURITY DEFINER (no API role may write audit_log itself) and strict
(no session setting switches them off). Each row records who asked: the user id (`sub`) and the
staff role (`app_metadata.role`) of the request's claims, and the database role in force.
"""

from __future__ import annotations

import pgtrigger

from carnivore.triggers import MODIFIED_AT, DefinerTrigger, StoredColumnsChange

# Who made the change, as the request's role switch and claims say.
_CHANGED_BY = "(SELECT auth.uid())"
_DB_ROLE = (
    "CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END"
)
_APP_ROLE = "(SELECT auth.jwt()) -> 'app_metadata' ->> 'role'"
_COLUMNS = "table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role"


class AuditRowChange(DefinerTrigger):
    """Write one audit row for each row inserted, updated or deleted."""

    level = pgtrigger.Row
    when = pgtrigger.After
    func = f"""
        INSERT INTO public.audit_log ({_COLUMNS})
        VALUES (
            TG_TABLE_NAME,
            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,
            TG_OP,
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,
            {_CHANGED_BY}, {_DB_ROLE}, {_APP_ROLE}
        );
        RETURN NULL;
    """


def audit_triggers(*, unaudited_columns: tuple[str, ...] = ()) -> list[AuditRowChange]:
    """Return the audit triggers of a table.

    An UPDATE is audited when a column other than `modified_at` and `unaudited_columns` changed
    (a WHEN condition, so skipped updates cost no function call). `unaudited_columns` are figures
    derived from audited data, such as engagement counters recomputed from audited events.
    """
    return [
        AuditRowChange(name="audit_insert_delete", operation=pgtrigger.Insert | pgtrigger.Delete),
        AuditRowChange(
            name="audit_update",
            operation=pgtrigger.Update,
            condition=StoredColumnsChange(exclude=[MODIFIED_AT, *unaudited_columns]),
        ),
    ]
