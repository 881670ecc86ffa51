"""audit's check for `manage.py doctor` (registered by AuditConfig.ready()): the audit log was not
emptied, nor rows taken out of it.

audit_log refuses UPDATE, DELETE and TRUNCATE by trigger, for every role; only its owner could
disable those triggers first. Every row of a table audited row by row was inserted, and so left
an INSERT in the audit log in the same transaction: a row whose INSERT is not there means the
log was emptied or rows were removed. A rolled-back insert leaves neither the row nor its audit
row, so ordinary rollbacks (which leave gaps in audit_log's ids) raise no alarm.
"""

from __future__ import annotations

import pgtrigger
from django.db import connection
from psycopg import sql

from audit.triggers import AuditRowChange
from carnivore.db_context import AUDITOR, AUTHENTICATED, Identity, run_as
from carnivore.doctor import CheckResult, doctor_check

AUDIT_LOG = "audit log"
# Reads every row of the audited tables and of the audit log, as an auditor would.
AUDITOR_IDENTITY = Identity(AUTHENTICATED, app_role=AUDITOR)

# The rows of one audited table whose INSERT the audit log lacks. The table name is a literal,
# so that the planner may use the partial index audit_log_record (table_name, record_id).
_UNLOGGED_ROWS = """
SELECT count(*) FROM {table} t
WHERE NOT EXISTS (SELECT FROM audit_log a
                  WHERE a.table_name = {name} AND a.record_id = t.id::text
                    AND a.operation = 'INSERT')
"""


def audited_tables() -> list[str]:
    """Return the tables whose every inserted row is audited row by row."""
    return sorted(
        {
            model._meta.db_table
            for model, trigger in pgtrigger.registered()
            if isinstance(trigger, AuditRowChange)
            and str(trigger.level) == str(pgtrigger.Row)
            and str(pgtrigger.Insert) in str(trigger.operation).split(" OR ")
        }
    )


@doctor_check(AUDIT_LOG, order=55)
def check_audit_log() -> CheckResult:
    """Check that the audit log still holds the INSERT of every row of the audited tables."""
    tables = audited_tables()
    unlogged = {}
    with run_as(AUDITOR_IDENTITY), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                sql.SQL(_UNLOGGED_ROWS).format(table=sql.Identifier(table), name=sql.Literal(table))
            )
            (count,) = cursor.fetchone()
            if count:
                unlogged[table] = count
    shown = ", ".join(f"{count} of {table}" for table, count in unlogged.items())
    return CheckResult.of(
        AUDIT_LOG,
        [f"emptied or rows removed: the INSERT of {shown} is missing from audit_log"]
        if unlogged
        else [],
        f"holds the INSERT of every row of {len(tables)} audited tables",
    )
