"""Every trigger is strict now (carnivore/triggers.py), so nothing calls pgtrigger's
`_pgtrigger_should_ignore` any more: it is dropped, for a function without a pinned search_path is
what Supabase's Security Advisor warns of. Going back reinstalls pgtrigger's own trigger
template, which creates it again."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("trending", "0008_strict_triggers"),
        ("grid", "0009_strict_triggers_and_inlined_ranking"),
        ("engagement", "0014_strict_triggers_fingerprint_and_erasure"),
        ("audit", "0004_strict_pinned_triggers"),
        ("carnivore", "0006_security_declared"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP FUNCTION IF EXISTS public._pgtrigger_should_ignore(name)",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
