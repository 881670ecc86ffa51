"""Bookmarks and reactions count by what stands (0021-0022): a reader's bookmark or reaction
they took back, or replaced by a later one, counts no more, and each reader's standing one
counts once. The figures kept under the earlier rule are counted again from the events."""

from django.db import migrations

from engagement.migrations._recount import RECOUNT


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0022_undo_bookmarks_and_reactions_sql"),
        ("grid", "0013_undo_bookmarks_and_reactions"),
    ]

    operations = [migrations.RunSQL(RECOUNT, reverse_sql=migrations.RunSQL.noop)]
