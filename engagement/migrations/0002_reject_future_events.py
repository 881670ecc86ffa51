import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

import carnivore.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0001_initial"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="contentengagement",
            trigger=carnivore.triggers.CompiledTrigger(
                name="reject_future_created_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (NEW.created_at > clock_timestamp())",
                    func="RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'content_engagement_created_at_not_future', MESSAGE = format('created_at %s is in the future', NEW.created_at); ",
                    hash="dfdf80e2f5ae5a77a6fe7c7676cece1f93f64b3c",
                    operation="INSERT",
                    pgid="pgtrigger_reject_future_created_at_6f26a",
                    table="content_engagement",
                    when="BEFORE",
                ),
            ),
        ),
    ]
