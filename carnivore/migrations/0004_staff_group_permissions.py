"""The staff groups' Django permissions, which decide what the admin offers them.

Editors view, add and change what they curate (grid items, editorial items, topics, videos,
creators) and view the rest; auditors view everything. Nobody gets a delete permission: a
delete is a soft delete, done by an action. The database still decides for itself (row-level
security under each group's claims); these permissions only shape the admin's pages.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED = {
    "grid": ("bentogriditem", "editorialitem"),
    "trending": ("trendingtopic", "topvideo", "creator"),
}
READ_ONLY = {
    "grid": ("gridrefreshrun",),
    "trending": ("topicweek", "videoweek", "weeklyreport", "youtubecrawl", "trendingalert"),
    "audit": ("auditlog",),
}


def _codenames(models: dict[str, tuple[str, ...]], actions: tuple[str, ...]) -> set:
    """Return the (app label, codename) pairs of `actions` on `models`."""
    return {
        (app_label, f"{action}_{model}")
        for app_label, names in models.items()
        for model in names
        for action in actions
    }


GROUP_PERMISSIONS = {
    "Editors": _codenames(EDITED, ("view", "add", "change")) | _codenames(READ_ONLY, ("view",)),
    "Auditors": _codenames(EDITED, ("view",)) | _codenames(READ_ONLY, ("view",)),
}
APP_LABELS = sorted({*EDITED, *READ_ONLY})


def _permissions(apps, wanted: set) -> list:
    permission_model = apps.get_model("auth", "Permission")
    found = permission_model.objects.filter(
        content_type__app_label__in=APP_LABELS,
        codename__in={codename for _, codename in wanted},
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def add_group_permissions(apps) -> None:
    """Give each staff group its permissions, creating the group if it is missing."""
    group_model = apps.get_model("auth", "Group")
    for name, wanted in GROUP_PERMISSIONS.items():
        permissions = _permissions(apps, wanted)
        if len(permissions) != len(wanted):
            raise RuntimeError(f"{name}: {len(wanted) - len(permissions)} permissions missing")
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def grant(apps, schema_editor):
    # Django creates permissions after the whole migrate run (post_migrate); these are needed now.
    for app_label in APP_LABELS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    add_group_permissions(apps)


def revoke(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name, wanted in GROUP_PERMISSIONS.items():
        for group in group_model.objects.filter(name=name):
            group.permissions.remove(*_permissions(apps, wanted))


class Migration(migrations.Migration):
    dependencies = [
        ("carnivore", "0003_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("grid", "0007_homepage_grid"),
        ("trending", "0006_analytics_views"),
        ("audit", "0004_leaner_indexes"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
