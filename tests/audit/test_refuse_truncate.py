"""The audit log refuses TRUNCATE, for every role, the owner included."""

import pytest
from django.db import DatabaseError, connection, transaction

REFUSED_BY_TRIGGER = r"audit_log is append-only: TRUNCATE refused"
NO_PRIVILEGE = r"permission denied for table audit_log"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("role", "refusal"),
    [
        ("none", REFUSED_BY_TRIGGER),  # the connecting owner, which holds TRUNCATE
        ("service_role", NO_PRIVILEGE),
        ("authenticated", NO_PRIVILEGE),
        ("anon", NO_PRIVILEGE),
    ],
)
def test_truncate_of_the_audit_log_is_refused(role, refusal):
    """TRUNCATE audit_log fails for the owner (the trigger) and each API role, and keeps rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_log (table_name, record_id, operation, new_values, db_role)"
            " VALUES ('creators', '1', 'INSERT', '{}', 'postgres')"
        )
    with (
        pytest.raises(DatabaseError, match=refusal),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('role', %s, true)", [role])
        cursor.execute("TRUNCATE audit_log")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_log")
        assert cursor.fetchone()[0] == 1
