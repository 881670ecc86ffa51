"""Trigger kinds shared by every app, declared with django-pgtrigger.

- `Trigger`: pgtrigger's trigger, except that removing it (a migration rolled back) also drops
  its function, which pgtrigger leaves behind.
- `StrictTrigger`: a trigger that cannot be switched off by a session setting, whose function
  runs with an empty search_path and may be executed by nobody directly. Every trigger kind
  below is one.
- `StampModifiedAt`: sets `modified_at` on every real change, so raw SQL updates are stamped too.
- `SoftDeleteWithNotice`: turns DELETE into `is_active = false` and tells the caller so.
- `AppendOnly`: a strict trigger refusing every UPDATE and DELETE (the audit log).
- `DefinerTrigger`: a strict trigger whose function runs with its owner's rights (SECURITY
  DEFINER) and a fixed search_path. Used where a trigger fired by a low-privilege role must
  write a table that role may not touch itself (the audit log, score rollups). Trigger
  functions cannot be called directly, so the elevated rights are reachable only through the
  trigger.
"""

from __future__ import annotations

import copy

import pgtrigger
from django.db import models
from pgtrigger import compiler

MODIFIED_AT = "modified_at"


class StoredColumnsChange(pgtrigger.AnyChange):
    """True when any stored column other than those excluded changed.

    Generated columns are left out: BEFORE triggers may not read them, and they only follow the
    columns they are computed from.
    """

    def resolve(self, model) -> str:
        condition = copy.copy(self)
        generated = [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.GeneratedField)
        ]
        condition.exclude = [*self.exclude, *generated]
        return super(StoredColumnsChange, condition).resolve(model)


class CompiledTrigger(compiler.Trigger):
    """A compiled trigger whose uninstall SQL drops the trigger function as well."""

    @property
    def uninstall_sql(self) -> str:
        return f"{super().uninstall_sql} DROP FUNCTION IF EXISTS {self.sql.pgid}();"


class Trigger(pgtrigger.Trigger):
    """A pgtrigger trigger that leaves nothing behind when a migration removes it."""

    sql_class: type[compiler.UpsertTriggerSql] = compiler.UpsertTriggerSql

    def compile(self, model) -> compiler.Trigger:
        compiled = super().compile(model)
        return CompiledTrigger(name=compiled.name, sql=self.sql_class(**compiled.sql.kwargs))


class StrictTriggerSql(compiler.UpsertTriggerSql):
    """pgtrigger's installation SQL without its bypass switch, for a pinned, private function.

    pgtrigger's own template lets any session skip a trigger by setting `pgtrigger.ignore`.
    Triggers that guard security or correctness (audit, append-only, soft delete, scoring) must
    not be skippable, so every trigger function is installed from this template instead. The
    function runs with an empty search_path, so that no role able to create objects in a schema
    (service_role can in `public` on Supabase) can slip its own function or operator into a
    trigger that the owner fires: trigger bodies name every object with its schema (pg_catalog
    is always searched first). Nobody may execute it directly (PostgreSQL checks EXECUTE when a
    trigger is created, never when it fires).
    """

    function_options = "SET search_path = ''"

    def get_template(self) -> str:
        return (
            """
            CREATE OR REPLACE FUNCTION {pgid}()
            RETURNS TRIGGER AS $$
                {declare}
                BEGIN
                    {func}
                END;
            $$ LANGUAGE plpgsql """
            + self.function_options
            + """;
            REVOKE ALL ON FUNCTION {pgid}() FROM PUBLIC;

            DROP TRIGGER IF EXISTS {pgid} ON {table};
            CREATE {constraint} TRIGGER {pgid}
                {when} {operation} ON {table}
                {timing}
                {referencing}
                FOR EACH {level} {condition}
                EXECUTE PROCEDURE {execute};

            COMMENT ON TRIGGER {pgid} ON {table} IS '{hash}';
        """
        )


class DefinerTriggerSql(StrictTriggerSql):
    """Strict installation SQL for a SECURITY DEFINER function (empty search_path, private)."""

    function_options = "SECURITY DEFINER SET search_path = ''"


class StrictTrigger(Trigger):
    """A trigger that no session setting can switch off (see `StrictTriggerSql`)."""

    sql_class = StrictTriggerSql


class DefinerTrigger(Trigger):
    """A trigger whose function is SECURITY DEFINER (see `DefinerTriggerSql`)."""

    sql_class = DefinerTriggerSql


class StampModifiedAt(StrictTrigger):
    """Set `modified_at` to the transaction time whenever a row really changes.

    `unstamped_columns`: figures kept by the system (engagement counters), whose changes are
    not edits and should not cost a trigger call on a hot path.
    """

    name = "stamp_modified_at"
    when = pgtrigger.Before
    operation = pgtrigger.Update
    func = f"NEW.{MODIFIED_AT} = now(); RETURN NEW;"

    def __init__(self, *, unstamped_columns: tuple[str, ...] = (), **kwargs):
        condition = StoredColumnsChange(exclude=[MODIFIED_AT, *unstamped_columns])
        super().__init__(condition=condition, **kwargs)


class SoftDeleteWithNotice(StrictTrigger):
    """Turn a DELETE into `is_active = false`, raising a NOTICE so that it is never silent.

    The UPDATE runs with the deleting role's rights, so row-level security decides whether the
    caller may deactivate the row, and the audit trigger records it as an UPDATE. Strict: a
    session that sets `pgtrigger.ignore` still cannot delete the row.
    """

    name = "soft_delete"
    when = pgtrigger.Before
    operation = pgtrigger.Delete

    def get_func(self, model) -> str:
        # Qualified: the function runs with an empty search_path (see StrictTriggerSql).
        table = f"public.{pgtrigger.utils.quote(model._meta.db_table)}"
        return (
            f"UPDATE {table} SET is_active = false WHERE id = OLD.id; "
            "RAISE NOTICE 'soft delete: % % deactivated (is_active = false), not removed', "
            "TG_TABLE_NAME, OLD.id; "
            "RETURN NULL;"
        )


class AppendOnly(StrictTrigger):
    """Refuse UPDATE and DELETE for every role, the table's owner included (the audit log).

    TRUNCATE fires no row trigger: `RefuseTruncate` is its statement-level companion.
    """

    name = "append_only"
    when = pgtrigger.Before
    operation = pgtrigger.Update | pgtrigger.Delete
    func = """
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = format('%s is append-only: %s refused', TG_TABLE_NAME, TG_OP);
    """


class RefuseTruncate(StrictTrigger):
    """Refuse TRUNCATE for every role, the table's owner included (the audit log)."""

    name = "refuse_truncate"
    level = pgtrigger.Statement
    when = pgtrigger.Before
    operation = pgtrigger.Truncate
    func = """
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = format('%s is append-only: TRUNCATE refused', TG_TABLE_NAME);
    """
