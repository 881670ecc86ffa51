"""The staff groups and their Django permissions, which decide what the admin offers them.

"Editors" act as admin in the database and "Auditors" as auditor (`carnivore.db_context`); a
carnivore migration (`staff_groups`) creates both groups. What each group may do in the admin is
declared by the apps that own the models, each on its AppConfig as `staff_permissions` (built
with `staff_access()`), and granted here after every `migrate` (`staff_permissions_grant()`), so
that carnivore names no app. The database still decides for itself (row-level security under
each group's claims); these permissions only shape the admin's pages.

This module is imported by the apps' `apps.py`, before any model is loaded: it imports no model
at module level.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

EDITORS_GROUP = "Editors"
AUDITORS_GROUP = "Auditors"
STAFF_GROUPS = (EDITORS_GROUP, AUDITORS_GROUP)

EDIT = ("view", "add", "change")  # never "delete": a delete is a soft delete, done by an action
VIEW = ("view",)


def _codenames(models: tuple[str, ...], actions: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f"{action}_{model}" for model in models for action in actions)


def staff_access(
    *, curated: tuple[str, ...] = (), read_only: tuple[str, ...] = ()
) -> dict[str, frozenset[str]]:
    """Return the permission codenames each staff group gets on an app's models.

    Editors view, add and change what they curate and view the rest; auditors view everything.
    Nobody gets a delete permission.

    Args:
        curated: the model names (lower case, as in codenames) that editors edit.
        read_only: the model names that the staff only reads.
    """
    return {
        EDITORS_GROUP: _codenames(curated, EDIT) | _codenames(read_only, VIEW),
        AUDITORS_GROUP: _codenames((*curated, *read_only), VIEW),
    }


def staff_permissions_declared() -> dict[str, set[tuple[str, str]]]:
    """Return, for each staff group, the (app label, codename) pairs that the apps declare."""
    declared: dict[str, set[tuple[str, str]]] = {name: set() for name in STAFF_GROUPS}
    for app_config in global_apps.get_app_configs():
        by_group: Mapping[str, frozenset[str]] = getattr(app_config, "staff_permissions", {})
        for group, codenames in by_group.items():
            declared[group] |= {(app_config.label, codename) for codename in codenames}
    return declared


def staff_permissions_grant(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Give each staff group that exists the permissions the apps declare for it.

    Idempotent, and only ever adds: a permission given by hand is left alone. A group that does
    not exist (not migrated yet, or deleted) is not created.

    Args:
        apps: the models to use: the migrated state's during `migrate`, the real ones otherwise.
        using: the database alias.

    Returns:
        The declared permissions that do not exist ("app_label.codename"), left out: a
        `migrate` that stops before some of an app's models leaves their permissions out.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    declared = staff_permissions_declared()
    wanted = set().union(*declared.values())
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in permission_model.objects.using(using)
        .filter(
            content_type__app_label__in={app_label for app_label, _ in wanted},
            codename__in={codename for _, codename in wanted},
        )
        .select_related("content_type")
    }
    for group in group_model.objects.using(using).filter(name__in=STAFF_GROUPS):
        group.permissions.add(*(found[key] for key in declared[group.name] if key in found))
    return sorted(f"{app_label}.{codename}" for app_label, codename in wanted - found.keys())


def staff_permissions_grant_after_migrate(
    sender, *, apps=global_apps, using: str = DEFAULT_DB_ALIAS, **kwargs
) -> None:
    """Grant the staff groups' permissions at the end of `migrate` (a post_migrate receiver;
    `flush` sends post_migrate too, without `apps`).

    Django creates each app's permissions in a post_migrate receiver of its own, one app after
    another, so they may not exist yet when this runs: they are created here first
    (`create_permissions` is idempotent).
    """
    try:
        apps.get_model("auth", "Group")
    except LookupError:  # auth is migrated to zero: there are no groups to grant anything to
        return
    for app_config in global_apps.get_app_configs():
        if getattr(app_config, "staff_permissions", None):
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
    staff_permissions_grant(apps=apps, using=using)
