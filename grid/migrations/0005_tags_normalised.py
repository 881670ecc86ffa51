"""Tags and interests stored before the one normalisation (grid/sql/grid_tag_normalise.sql) are
normalised: readers' interest tags, from the labels they chose, and grid items' tags. Not undone
on the way back: the older slugs cannot be told from the labels alone, and either form matches
what the code of its time compares."""

from django.db import migrations

NORMALISE = """
UPDATE user_interests
SET interest_tags = grid_tags_normalise(ARRAY(SELECT jsonb_array_elements_text(interests)))
WHERE jsonb_typeof(interests) = 'array'
  AND interest_tags::text[] IS DISTINCT FROM
      grid_tags_normalise(ARRAY(SELECT jsonb_array_elements_text(interests)));
UPDATE bento_grid_items
SET data = data || jsonb_build_object(
        'tags', to_jsonb(grid_tags_normalise(ARRAY(SELECT jsonb_array_elements_text(data -> 'tags')))))
WHERE jsonb_typeof(data -> 'tags') = 'array'
  AND data -> 'tags' IS DISTINCT FROM to_jsonb(
        grid_tags_normalise(ARRAY(SELECT jsonb_array_elements_text(data -> 'tags'))));
"""


class Migration(migrations.Migration):
    dependencies = [("grid", "0004_ranking_parts_and_item_sources")]

    operations = [migrations.RunSQL(NORMALISE, reverse_sql=migrations.RunSQL.noop)]
