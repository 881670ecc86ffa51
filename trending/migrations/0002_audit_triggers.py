import pgtrigger.migrations
from django.db import migrations

import carnivore.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("trending", "0001_initial"),
        ("audit", "0002_append_only"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="creator",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_insert_delete",
                sql=carnivore.triggers.DefinerTriggerSql(
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="13bc042dbca447b68be549834d6d615980c1be3b",
                    operation="INSERT OR DELETE",
                    pgid="pgtrigger_audit_insert_delete_84260",
                    table="creators",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="creator",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_update",
                sql=carnivore.triggers.DefinerTriggerSql(
                    condition='WHEN (OLD."avatar_url" IS DISTINCT FROM (NEW."avatar_url") OR OLD."average_views_per_video" IS DISTINCT FROM (NEW."average_views_per_video") OR OLD."bio" IS DISTINCT FROM (NEW."bio") OR OLD."channel_id" IS DISTINCT FROM (NEW."channel_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."creator_name" IS DISTINCT FROM (NEW."creator_name") OR OLD."focus_areas" IS DISTINCT FROM (NEW."focus_areas") OR OLD."full_data" IS DISTINCT FROM (NEW."full_data") OR OLD."handle" IS DISTINCT FROM (NEW."handle") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."leaderboard_rank" IS DISTINCT FROM (NEW."leaderboard_rank") OR OLD."monthly_video_count" IS DISTINCT FROM (NEW."monthly_video_count") OR OLD."specialty" IS DISTINCT FROM (NEW."specialty") OR OLD."subscriber_count" IS DISTINCT FROM (NEW."subscriber_count") OR OLD."tagline" IS DISTINCT FROM (NEW."tagline") OR OLD."twitter_handle" IS DISTINCT FROM (NEW."twitter_handle") OR OLD."verified" IS DISTINCT FROM (NEW."verified") OR OLD."website_url" IS DISTINCT FROM (NEW."website_url"))',
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="4964c24861f2082de5426057102a6eabc94b5a01",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_update_648b5",
                    table="creators",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="topvideo",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_insert_delete",
                sql=carnivore.triggers.DefinerTriggerSql(
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="b5ebe4a2e360eb149623d0da88711f77c9bbdedc",
                    operation="INSERT OR DELETE",
                    pgid="pgtrigger_audit_insert_delete_e8359",
                    table="top_videos",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="topvideo",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_update",
                sql=carnivore.triggers.DefinerTriggerSql(
                    condition='WHEN (OLD."comment_sentiment" IS DISTINCT FROM (NEW."comment_sentiment") OR OLD."comments" IS DISTINCT FROM (NEW."comments") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."creator_id" IS DISTINCT FROM (NEW."creator_id") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."duration_seconds" IS DISTINCT FROM (NEW."duration_seconds") OR OLD."engagement_score" IS DISTINCT FROM (NEW."engagement_score") OR OLD."full_data" IS DISTINCT FROM (NEW."full_data") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."likes" IS DISTINCT FROM (NEW."likes") OR OLD."published_at" IS DISTINCT FROM (NEW."published_at") OR OLD."relevance_score" IS DISTINCT FROM (NEW."relevance_score") OR OLD."tags" IS DISTINCT FROM (NEW."tags") OR OLD."thumbnail_url" IS DISTINCT FROM (NEW."thumbnail_url") OR OLD."title" IS DISTINCT FROM (NEW."title") OR OLD."video_id" IS DISTINCT FROM (NEW."video_id") OR OLD."views" IS DISTINCT FROM (NEW."views"))',
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="51c9194b6343bef27e0caff1fc95c9bec119f573",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_update_89235",
                    table="top_videos",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="trendingtopic",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_insert_delete",
                sql=carnivore.triggers.DefinerTriggerSql(
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="543fa39809d625a89fccada4e4c4b5f10b83caa7",
                    operation="INSERT OR DELETE",
                    pgid="pgtrigger_audit_insert_delete_e791a",
                    table="trending_topics",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="trendingtopic",
            trigger=carnivore.triggers.CompiledTrigger(
                name="audit_update",
                sql=carnivore.triggers.DefinerTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."creators_array" IS DISTINCT FROM (NEW."creators_array") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."engagement_score" IS DISTINCT FROM (NEW."engagement_score") OR OLD."first_seen_week" IS DISTINCT FROM (NEW."first_seen_week") OR OLD."full_data" IS DISTINCT FROM (NEW."full_data") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_active" IS DISTINCT FROM (NEW."is_active") OR OLD."last_seen_week" IS DISTINCT FROM (NEW."last_seen_week") OR OLD."mention_count" IS DISTINCT FROM (NEW."mention_count") OR OLD."tags" IS DISTINCT FROM (NEW."tags") OR OLD."topic_name" IS DISTINCT FROM (NEW."topic_name") OR OLD."topic_slug" IS DISTINCT FROM (NEW."topic_slug"))',
                    func="\n        INSERT INTO audit_log (table_name, record_id, operation, old_values, new_values, changed_by, db_role, app_role)\n        VALUES (\n            TG_TABLE_NAME,\n            (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text,\n            TG_OP,\n            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,\n            (SELECT auth.uid()), CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END, (SELECT auth.jwt()) -> 'app_metadata' ->> 'role'\n        );\n        RETURN NULL;\n    ",
                    hash="001e62863beb6278c7c6e8ffa47f7c0627f9c86a",
                    operation="UPDATE",
                    pgid="pgtrigger_audit_update_dd7d7",
                    table="trending_topics",
                    when="AFTER",
                ),
            ),
        ),
    ]
