"""Django's tables added for staff sign-in: no API role may touch them.

`django_session` holds live session keys (credentials); they are read and written as the
connecting role only (carnivore.sessions), like every other table of Django's (see 0002).
Supabase grants its API roles everything in `public` by default, and 0002's default privileges
cover only tables the migrating role creates afterwards, so the revocation is explicit here.

Reversing it grants nothing back: no API role held anything on these tables.
"""

from django.db import migrations

LOCK_DOWN = """
REVOKE ALL ON django_session FROM anon, authenticated, service_role;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("carnivore", "0004_staff_group_permissions"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(LOCK_DOWN, reverse_sql=migrations.RunSQL.noop),
    ]
