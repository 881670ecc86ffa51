import pgtrigger.migrations
from django.db import migrations

import carnivore.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0001_initial"),
        ("audit", "0002_append_only"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="bentogriditem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_insert_delete",
                sql=carnivore.triggers.DefinerTriggerSql(
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="ecbe94dc280f9b5a6d33845fe6a78eaebd974f5f",
                    operation="INSERT OR DELETE",
                    pgid="pgtrigger_audit_insert_delete_8cc3e",
                    table="bento_grid_items",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="bentogriditem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_update",
                sql=carnivore.triggers.DefinerTriggerSql(
                    condition='WHEN (OLD."base_score" IS DISTINCT FROM (NEW."base_score") OR OLD."content_id" IS DISTINCT FROM (NEW."content_id") OR OLD."content_title" IS DISTINCT FROM (NEW."content_title") OR OLD."content_type" IS DISTINCT FROM (NEW."content_type") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."data" IS DISTINCT FROM (NEW."data") OR OLD."grid_position" IS DISTINCT FROM (NEW."grid_position") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."is_pinned" IS DISTINCT FROM (NEW."is_pinned"))',
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="1415f92aef49eba56a4c930d4a0dfb76d51ff0bf",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_update_52784",
                    table="bento_grid_items",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="editorialitem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_insert_delete",
                sql=carnivore.triggers.DefinerTriggerSql(
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="2c31a21ce73b5a53f110dc33db6e07f26c665317",
                    operation="INSERT OR DELETE",
                    pgid="pgtrigger_audit_insert_delete_15225",
                    table="editorial_items",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="editorialitem",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_update",
                sql=carnivore.triggers.DefinerTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."summary" IS DISTINCT FROM (NEW."summary") OR OLD."tags" IS DISTINCT FROM (NEW."tags") OR OLD."title" IS DISTINCT FROM (NEW."title") OR OLD."url" IS DISTINCT FROM (NEW."url"))',
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="dde3ba3a1729f20dccacd564ed1db852eb52c3ab",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_update_a6316",
                    table="editorial_items",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="userinterest",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_insert_delete",
                sql=carnivore.triggers.DefinerTriggerSql(
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="fd49e38487809982f2eeb7edb932b03150735e52",
                    operation="INSERT OR DELETE",
                    pgid="pgtrigger_audit_insert_delete_1aa5e",
                    table="user_interests",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="userinterest",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_update",
                sql=carnivore.triggers.DefinerTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."interest_tags" IS DISTINCT FROM (NEW."interest_tags") OR OLD."interests" IS DISTINCT FROM (NEW."interests") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."user_id" IS DISTINCT FROM (NEW."user_id"))',
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="8e57188efa2ef473968726cb3bca5fe9b2ab6da4",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_update_ca5df",
                    table="user_interests",
                    when="AFTER",
                ),
            ),
        ),
    ]
