import pgtrigger.migrations
from django.db import migrations

import carnivore.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0008_engagement_apply"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="contentengagement",
            name="score_inserted_events",
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="contentengagement",
            trigger=carnivore.triggers.CompiledTrigger(
                name="score_inserted_events",
                sql=carnivore.triggers.DefinerTriggerSql(
                    func="\n        PERFORM engagement_apply(ARRAY(\n            SELECT ROW(content_type, content_id, date_trunc('hour', created_at, 'UTC'), count(*),\n                       \n    count(*) FILTER (WHERE interaction_type = 'view'),\n    count(*) FILTER (WHERE interaction_type = 'click'),\n    count(*) FILTER (WHERE interaction_type = 'share'),\n    count(*) FILTER (WHERE interaction_type = 'bookmark'),\n    count(*) FILTER (WHERE interaction_type = 'comment'),\n    count(*) FILTER (WHERE interaction_type = 'reaction'),\n    count(*) FILTER (WHERE sentiment = 'positive'),\n    count(*) FILTER (WHERE sentiment = 'negative'),\n    count(*) FILTER (WHERE sentiment = 'neutral')\n)::engagement_delta\n            FROM new_events\n            GROUP BY content_type, content_id, date_trunc('hour', created_at, 'UTC')\n            ORDER BY content_type, content_id, date_trunc('hour', created_at, 'UTC')));\n        RETURN NULL;\n    ",
                    hash="056fd8c05db1b65562a231273dbc427499d29975",
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
