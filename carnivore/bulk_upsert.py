"""Write many rows of one model at once: insert the new ones, update only what changed.

`TrackedRows` holds the rows of one model that a bulk write touches: those read from the
database, with their values as read, and new ones. `TrackedRows.save` inserts the new rows in
one statement and updates the changed rows in one statement per set of changed fields, writing
those columns only; a row that did not change is not written at all, so it fires no trigger
(no audit row, no new `modified_at`). `RowCounts` says what it did. It writes through
`connection` with no role switch of its own: callers run it under the identity they need.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, models
from psycopg import sql


@dataclass
class RowCounts:
    """Rows of one kind a bulk write was given: inserted, updated, or already as given."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class TrackedRows:
    """The rows of one model a bulk write touches: those read (with their values as read) and new.

    `key` names the fields that identify a row (a unique constraint), `fields` those the
    write keeps up to date, `created_with` those it sets on new rows only. New rows must have
    all of these set; the table's defaults fill in the rest.
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        key: Sequence[str],
        fields: Sequence[str],
        rows: Iterable,
        created_with: Sequence[str] = (),
    ) -> None:
        self.model = model
        self.key = [model._meta.get_field(name) for name in key]
        self.fields = [model._meta.get_field(name) for name in fields]
        self.inserted = list(
            dict.fromkeys([*self.key, *self.fields, *map(model._meta.get_field, created_with)])
        )
        self.existing = list(rows)
        self.read = {row.pk: self._values(row) for row in self.existing}
        self.new: list = []

    def add(self, row):
        """Add a new row (to be inserted by `save`) and return it."""
        self.new.append(row)
        return row

    def changed_fields(self, row) -> tuple[models.Field, ...]:
        """Return the kept-up-to-date fields of a row read that differ from their value as read."""
        read = self.read[row.pk]
        return tuple(f for f in self.fields if getattr(row, f.attname) != read[f.attname])

    def save(self, counts: RowCounts) -> None:
        """Insert the new rows and update the changed fields of the changed ones; count them."""
        if self.new:
            _insert_rows(self)
        counts.created += len(self.new)
        changed: defaultdict[tuple[models.Field, ...], list] = defaultdict(list)
        for row in self.existing:
            fields = self.changed_fields(row)
            if fields:
                changed[fields].append(row)
            else:
                counts.unchanged += 1
        for fields, rows in changed.items():
            _update_rows(self.model, rows, fields)
            counts.updated += len(rows)

    def _values(self, row) -> dict[str, Any]:
        return {f.attname: getattr(row, f.attname) for f in self.fields}


# Rows travel as one JSON array, turned back into table rows by jsonb_populate_recordset: one
# parameter instead of one per value, which Django's bulk_create and bulk_update would compile
# and quote one by one (most of the time of a 556-video week), and an UPDATE that joins on the
# id instead of bulk_update's CASE with one branch per row.
_INSERT_ROWS = sql.SQL(
    "INSERT INTO {table} ({columns}) "
    "SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) "
    "RETURNING {pk}, {key}"
)
_UPDATE_ROWS = sql.SQL(
    "UPDATE {table} AS stored SET {assignments} "
    "FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) AS given "
    "WHERE stored.{pk} = given.{pk}"
)


def _insert_rows(tracked: TrackedRows) -> None:
    """Insert the new rows in one statement and give them their ids."""
    query = _INSERT_ROWS.format(
        table=sql.Identifier(tracked.model._meta.db_table),
        pk=sql.Identifier(tracked.model._meta.pk.column),
        columns=sql.SQL(", ").join(sql.Identifier(f.column) for f in tracked.inserted),
        key=sql.SQL(", ").join(sql.Identifier(f.column) for f in tracked.key),
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [_rows_json(tracked.new, tracked.inserted)])
        ids = {tuple(key): pk for pk, *key in cursor.fetchall()}
    for row in tracked.new:
        row.pk = ids[tuple(getattr(row, f.attname) for f in tracked.key)]


def _update_rows(model: type[models.Model], rows: list, fields: Sequence[models.Field]) -> None:
    """Write `fields` of `rows` (and no other column) in one statement."""
    query = _UPDATE_ROWS.format(
        table=sql.Identifier(model._meta.db_table),
        pk=sql.Identifier(model._meta.pk.column),
        assignments=sql.SQL(", ").join(
            sql.SQL("{column} = given.{column}").format(column=sql.Identifier(f.column))
            for f in fields
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [_rows_json(rows, [model._meta.pk, *fields])])


def _rows_json(rows: Iterable, fields: Sequence[models.Field]) -> str:
    return json.dumps(
        [{f.column: getattr(row, f.attname) for f in fields} for row in rows],
        default=_json_scalar,
    )


def _json_scalar(value: Any) -> str:
    """Return the text PostgreSQL reads a column value from (JSON has no such type)."""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    raise TypeError(f"no JSON form for {value!r}")
