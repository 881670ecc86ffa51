"""The staff groups' permissions: declared by the apps, granted by carnivore after every migrate.

(tests/admin/test_admin_permissions.py checks the exact permissions each group ends with.)
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from carnivore.staff_groups import (
    AUDITORS_GROUP,
    EDITORS_GROUP,
    STAFF_GROUPS,
    staff_permissions_declared,
    staff_permissions_grant,
)


def permissions_of(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def declared_for(group_name: str) -> set[str]:
    return {f"{label}.{codename}" for label, codename in staff_permissions_declared()[group_name]}


@pytest.mark.django_db
def test_every_declared_permission_exists():
    """Each codename an app declares names a permission Django created (no typo, no model gone)."""
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)
    assert staff_permissions_grant() == []


@pytest.mark.django_db
def test_the_apps_declare_permissions_on_their_own_models_only():
    """grid, trending and audit declare; carnivore and engagement (no staff pages) do not."""
    labels = {label for pairs in staff_permissions_declared().values() for label, _ in pairs}
    assert labels == {"grid", "trending", "audit"}


@pytest.mark.django_db
def test_migrate_gives_the_groups_back_their_permissions():
    """A migrate with nothing to apply still grants what the apps declare, and only adds."""
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    auditors, _ = Group.objects.get_or_create(name=AUDITORS_GROUP)
    editors.permissions.clear()
    auditors.permissions.clear()
    call_command("migrate", verbosity=0, interactive=False)
    assert permissions_of(EDITORS_GROUP) == declared_for(EDITORS_GROUP)
    assert permissions_of(AUDITORS_GROUP) == declared_for(AUDITORS_GROUP)

    call_command("migrate", verbosity=0, interactive=False)  # idempotent
    assert permissions_of(EDITORS_GROUP) == declared_for(EDITORS_GROUP)


@pytest.mark.django_db
def test_a_missing_group_is_not_created():
    """The groups are the migrations' to create: granting never brings a deleted group back."""
    Group.objects.filter(name=AUDITORS_GROUP).delete()
    assert staff_permissions_grant() == []
    assert not Group.objects.filter(name=AUDITORS_GROUP).exists()
