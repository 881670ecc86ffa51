import pgtrigger.migrations
from django.db import migrations

import carnivore.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0005_scoring_functions"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="contentengagement",
            trigger=carnivore.triggers.CompiledTrigger(
                name="skip_repeated_event",
                sql=carnivore.triggers.DefinerTriggerSql(
                    condition="WHEN (NEW.event_uuid IS NOT NULL)",
                    func="\n        INSERT INTO engagement_event_keys (event_uuid, created_at)\n        VALUES (NEW.event_uuid, NEW.created_at)\n        ON CONFLICT (event_uuid) DO NOTHING;\n        IF FOUND THEN\n            RETURN NEW;\n        END IF;\n        RETURN NULL;\n    ",
                    hash="3cf488c0c7a5b2c9bc6dc2976d3eaeee0a5bc3dc",
                    operation="INSERT",
                    pgid="pgtrigger_skip_repeated_event_be021",
                    table="content_engagement",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="contentengagement",
            trigger=carnivore.triggers.CompiledTrigger(
                name="score_inserted_events",
                sql=carnivore.triggers.DefinerTriggerSql(
                    declare="DECLARE as_of_hour timestamptz; missing record;",
                    func="\n        as_of_hour := date_trunc('hour', now(), 'UTC');\n\n        SELECT n.content_type, n.content_id INTO missing\n        FROM (SELECT DISTINCT content_type, content_id FROM new_events) n\n        WHERE NOT EXISTS (\n            SELECT 1 FROM grid_content c\n            WHERE c.content_type = n.content_type AND c.content_id = n.content_id)\n        LIMIT 1;\n        IF FOUND THEN\n            RAISE EXCEPTION USING\n                ERRCODE = 'foreign_key_violation',\n                CONSTRAINT = 'content_engagement_content_exists',\n                MESSAGE = format('%s %s does not exist', missing.content_type, missing.content_id);\n        END IF;\n\n        INSERT INTO bento_grid_items AS g (\n            content_type, content_id, content_title, base_score, data,\n            view_count, share_count, bookmark_count)\n        SELECT n.content_type, n.content_id, c.title, c.base_score,\n               jsonb_build_object('tags', to_jsonb(c.tags)), n.views, n.shares, n.bookmarks\n        FROM (\n            SELECT content_type, content_id,\n                   count(*) FILTER (WHERE interaction_type = 'view') AS views,\n                   count(*) FILTER (WHERE interaction_type = 'share') AS shares,\n                   count(*) FILTER (WHERE interaction_type = 'bookmark') AS bookmarks\n            FROM new_events GROUP BY content_type, content_id\n        ) n\n        JOIN grid_content c ON c.content_type = n.content_type AND c.content_id = n.content_id\n        ORDER BY n.content_type, n.content_id\n        ON CONFLICT (content_type, content_id) DO UPDATE\n        SET view_count = g.view_count + excluded.view_count,\n            share_count = g.share_count + excluded.share_count,\n            bookmark_count = g.bookmark_count + excluded.bookmark_count;\n\n        INSERT INTO engagement_rollups AS r (\n            content_type, content_id, hour, events, views, clicks, shares, bookmarks,\n            comments, reactions, positive, negative, neutral)\n        SELECT content_type, content_id, date_trunc('hour', created_at, 'UTC'), count(*),\n               \n    count(*) FILTER (WHERE interaction_type = 'view'),\n    count(*) FILTER (WHERE interaction_type = 'click'),\n    count(*) FILTER (WHERE interaction_type = 'share'),\n    count(*) FILTER (WHERE interaction_type = 'bookmark'),\n    count(*) FILTER (WHERE interaction_type = 'comment'),\n    count(*) FILTER (WHERE interaction_type = 'reaction'),\n    count(*) FILTER (WHERE sentiment = 'positive'),\n    count(*) FILTER (WHERE sentiment = 'negative'),\n    count(*) FILTER (WHERE sentiment = 'neutral')\n\n        FROM new_events\n        GROUP BY 1, 2, 3\n        ORDER BY 1, 2, 3\n        ON CONFLICT (content_type, content_id, hour) DO UPDATE\n        SET events = r.events + excluded.events,\n            views = r.views + excluded.views,\n            clicks = r.clicks + excluded.clicks,\n            shares = r.shares + excluded.shares,\n            bookmarks = r.bookmarks + excluded.bookmarks,\n            comments = r.comments + excluded.comments,\n            reactions = r.reactions + excluded.reactions,\n            positive = r.positive + excluded.positive,\n            negative = r.negative + excluded.negative,\n            neutral = r.neutral + excluded.neutral;\n\n        UPDATE bento_grid_items g\n        SET engagement_score = coalesce(f.engagement_score, 0),\n            positive_sentiment_percent = coalesce(f.positive_sentiment_percent, 50),\n            events_24h = coalesce(f.events_24h, 0),\n            scored_at = as_of_hour\n        FROM (SELECT DISTINCT content_type, content_id FROM new_events) t\n        LEFT JOIN LATERAL (\n            -- LATERAL, so the item's key reaches the rollups index inside the function\n            SELECT * FROM engagement_figures(as_of_hour) x\n            WHERE x.content_type = t.content_type AND x.content_id = t.content_id\n        ) f ON true\n        WHERE g.content_type = t.content_type AND g.content_id = t.content_id;\n\n        RETURN NULL;\n    ",
                    hash="2f53efb53a4df5193fbfb3a8eb66840a77094d39",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_score_inserted_events_ad9bd",
                    referencing="REFERENCING NEW TABLE AS new_events ",
                    table="content_engagement",
                    when="AFTER",
                ),
            ),
        ),
    ]
