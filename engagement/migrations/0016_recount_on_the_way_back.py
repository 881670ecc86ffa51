"""Migrating back past 0017 (bookmarks and reactions that can be undone): once its functions
are the earlier ones again, the figures are counted again under the earlier rules (every
bookmark and reaction counts). Forwards it does nothing: 0018 recounts after 0017."""

from django.db import migrations

from engagement.migrations._recount import RECOUNT


class Migration(migrations.Migration):
    dependencies = [("engagement", "0015_sql_comments_name_the_rollup")]

    operations = [migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=RECOUNT)]
