"""On a Supabase-shaped database our migrations reuse Supabase's roles and auth functions and
leave every object of the schema to the non-superuser owner that ran them.

Skipped unless the session runs with CARNIVORE_SUPABASE_SHAPED=1 (see `tests.supabase.shape`).
"""

import pytest
from django.db import connection

from carnivore.db_context import ANONYMOUS, run_as
from carnivore.jobs import schedules_register
from engagement.services import EventInput, engagement_record
from grid.models import ContentType, RefreshTrigger
from grid.services import grid_refresh
from tests import factories as f
from tests.conftest import database_url, manage
from tests.supabase.plugin import (
    BEFORE_MIGRATIONS,
    ENABLING_VARIABLE,
    supabase_bypassrls,
    supabase_shaped,
)
from tests.supabase.shape import AUTH_ADMIN, OWNER, SupabaseObjects, supabase_objects


@pytest.fixture
def supabase_shape(request, django_db_setup) -> SupabaseObjects:
    """The Supabase roles and auth functions as they were before the migrations ran."""
    if not supabase_shaped():
        pytest.skip(f"needs a Supabase-shaped database: set {ENABLING_VARIABLE}=1")
    if BEFORE_MIGRATIONS not in request.config.stash:
        pytest.fail(
            'tests/conftest.py must load the plugin: pytest_plugins = ["tests.supabase.plugin"]'
        )
    return request.config.stash[BEFORE_MIGRATIONS]


@pytest.mark.django_db
def test_migrations_reused_the_roles_and_auth_functions(supabase_shape):
    """No role was created again and no auth function replaced: same oids, same owner."""
    with connection.cursor() as cursor:
        now = supabase_objects(cursor)
    assert now == supabase_shape
    assert set(now.auth_functions) == {"auth.uid()", "auth.role()", "auth.jwt()"}
    assert {owner for _, owner in now.auth_functions.values()} == {AUTH_ADMIN}


@pytest.mark.django_db
def test_the_schema_belongs_to_the_owner_that_is_no_superuser(supabase_shape):
    """Every table, view, sequence and function in `public` and `app_private`, the SECURITY
    DEFINER ones included, belongs to `postgres`: no superuser, BYPASSRLS as on Supabase
    (none in the no-bypassrls variant)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [OWNER])
        assert cursor.fetchone() == (False, supabase_bypassrls())
        cursor.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class"
            " WHERE relnamespace IN ('public'::regnamespace, 'app_private'::regnamespace)"
        )
        table_owners = {owner for (owner,) in cursor.fetchall()}
        cursor.execute(
            "SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc"
            " WHERE pronamespace IN ('public'::regnamespace, 'app_private'::regnamespace)"
        )
        function_owners = {owner for (owner,) in cursor.fetchall()}
    assert table_owners == {OWNER}
    assert function_owners == {OWNER}


@pytest.mark.django_db(transaction=True)
def test_the_doctor_passes_connecting_as_the_owner(supabase_shape):
    """`manage.py doctor` connecting as `postgres` (how a Supabase deployment connects with one
    URL) finds the deployment healthy, with a warning about connecting as the owner."""
    topic = f.make_topic()
    with run_as(ANONYMOUS):
        engagement_record(
            events=[EventInput(ContentType.TRENDING_TOPIC, topic.id, "view")], user_id=None
        )
    schedules_register()
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    settings_dict = {**connection.settings_dict, "USER": OWNER, "PASSWORD": ""}
    doctor = manage(
        "doctor", database_url=database_url(settings_dict, settings_dict["NAME"]), check=False
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert f"{OWNER} may switch to each" in doctor.stdout
    assert "1 with a warning: connecting role" in doctor.stdout
