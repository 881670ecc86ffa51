import pgtrigger.migrations
from django.db import migrations

import carnivore.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0002_reject_future_events"),
        ("audit", "0002_append_only"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="contentengagement",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_inserted_rows",
                sql=carnivore.triggers.DefinerTriggerSql(
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        SELECT TG_TABLE_NAME, r.id::text, 'INSERT', NULL, to_jsonb(r),\n               (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        FROM inserted_rows r;\n        RETURN NULL;\n    ",
                    hash="59f883caa9b537fe96ed49b861468237ab61afc6",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_audit_inserted_rows_4a1e0",
                    referencing="REFERENCING NEW TABLE AS inserted_rows ",
                    table="content_engagement",
                    when="AFTER",
                ),
            ),
        ),
    ]
