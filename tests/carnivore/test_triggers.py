"""The shared trigger kinds (carnivore/triggers.py): no session setting switches one off, and
their functions run with a pinned search_path that nobody may call directly."""

import pgtrigger
import pytest
from django.db import connection

from carnivore.db_context import SERVICE, run_as
from carnivore.triggers import SoftDeleteWithNotice
from tests import factories as f

SOFT_DELETED = [
    pytest.param(model, id=model._meta.db_table)
    for model, trigger in pgtrigger.registered()
    if isinstance(trigger, SoftDeleteWithNotice)
]
MAKERS = {
    "trending_topics": f.make_topic,
    "top_videos": f.make_video,
    "creators": f.make_creator,
    "bento_grid_items": f.make_grid_item,
    "editorial_items": f.make_editorial,
    "user_interests": f.make_interest,
}


def test_every_soft_deleted_table_is_covered():
    """The tables declaring a soft delete are exactly those the next test makes rows of."""
    assert sorted(model._meta.db_table for (model,) in (p.values for p in SOFT_DELETED)) == sorted(
        MAKERS
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model", SOFT_DELETED)
def test_pgtrigger_ignore_cannot_skip_the_soft_delete(model):
    """With `pgtrigger.ignore` naming the soft-delete trigger (pgtrigger's bypass switch), the
    service role's DELETE still only deactivates the row."""
    row = MAKERS[model._meta.db_table]()
    (trigger,) = [t for t in model._meta.triggers if isinstance(t, SoftDeleteWithNotice)]
    with run_as(SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + trigger.get_pgid(model) + "}"]
        )
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [row.pk])  # noqa: S608
        assert cursor.rowcount == 0
    assert model.objects.filter(pk=row.pk, is_active=False).exists()


@pytest.mark.django_db
def test_no_trigger_function_can_be_switched_off_or_called():
    """Every trigger function of the schema ignores `pgtrigger.ignore`, runs with an empty
    search_path, and grants EXECUTE to nobody but its owner."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc LIKE '%%_pgtrigger_should_ignore%%', p.proconfig,"
            "       EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))"
            "               WHERE grantee <> p.proowner)"
            " FROM pg_proc p WHERE p.prorettype = 'trigger'::regtype"
            "   AND p.pronamespace = 'public'::regnamespace ORDER BY 1"
        )
        functions = cursor.fetchall()
    assert functions
    assert [row for row in functions if row[1:] != (False, ['search_path=""'], False)] == []
