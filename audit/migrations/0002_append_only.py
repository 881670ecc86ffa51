import pgtrigger.migrations
from django.db import migrations

import carnivore.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("carnivore", "0002_database_roles"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="auditlog",
            trigger=carnivore.triggers.CompiledTrigger(
                name="append_only",
                sql=carnivore.triggers.StrictTriggerSql(
                    func="\n        RAISE EXCEPTION USING\n            ERRCODE = 'insufficient_privilege',\n            MESSAGE = format('%s is append-only: %s refused', TG_TABLE_NAME, TG_OP);\n    ",
                    hash="94aa843fdd61e0d8cec1cd732bd045a72a4fe772",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_e464f",
                    table="audit_log",
                    when="BEFORE",
                ),
            ),
        ),
    ]
