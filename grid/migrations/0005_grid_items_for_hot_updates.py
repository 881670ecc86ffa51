"""Grid items are rewritten on every event: keep those updates HOT (heap-only).

The engagement figures no longer stamp modified_at, no index covers a figure (the hourly
refresh sorts the active items instead), and each page keeps room for the new row versions.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

import carnivore.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0004_grid_content"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE bento_grid_items SET (fillfactor = 80)",
            reverse_sql="ALTER TABLE bento_grid_items RESET (fillfactor)",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="bentogriditem",
            name="stamp_modified_at",
        ),
        migrations.RemoveIndex(
            model_name="bentogriditem",
            name="bento_grid_items_active_rank",
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="bentogriditem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="stamp_modified_at",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."base_score" IS DISTINCT FROM (NEW."base_score") OR OLD."content_id" IS DISTINCT FROM (NEW."content_id") OR OLD."content_title" IS DISTINCT FROM (NEW."content_title") OR OLD."content_type" IS DISTINCT FROM (NEW."content_type") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."data" IS DISTINCT FROM (NEW."data") OR OLD."grid_position" IS DISTINCT FROM (NEW."grid_position") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."is_pinned" IS DISTINCT FROM (NEW."is_pinned"))',
                    func="NEW.modified_at = now(); RETURN NEW;",
                    hash="f679dc2ddf7fbf6e016eb61fb02300dcac9f4e48",
                    operation="UPDATE",
                    pgid="pgtrigger_stamp_modified_at_3ec4e",
                    table="bento_grid_items",
                    when="BEFORE",
                ),
            ),
        ),
    ]
