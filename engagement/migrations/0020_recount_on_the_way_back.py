"""Migrating back past 0021 (bookmarks and reactions that can be undone): once its functions
are the earlier ones again, the figures are counted again under the earlier rules (every
bookmark and reaction counts). Forwards it does nothing: 0022 recounts after 0021."""

from django.db import migrations

from engagement.migrations._recount import RECOUNT


class Migration(migrations.Migration):
    dependencies = [("engagement", "0019_retire_old_months")]

    operations = [migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=RECOUNT)]
