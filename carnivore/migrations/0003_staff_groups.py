"""The staff groups: "Editors" act as admin in the database, "Auditors" as auditor."""

from django.db import migrations

GROUPS = ("Editors", "Auditors")


def create_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in GROUPS:
        group_model.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("carnivore", "0002_sql_objects")]

    operations = [migrations.RunPython(create_groups, delete_groups)]
