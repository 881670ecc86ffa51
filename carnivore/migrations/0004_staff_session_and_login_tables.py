"""Django's tables added for staff sign-in: no API role may touch them.

`django_session` holds live session keys (credentials) and the `axes_*` tables the sign-in
attempts, addresses and user agents (carnivore.login_throttling); they are read and written as
the connecting role only (carnivore.sessions, carnivore.login_throttling), like every other
table of Django's (see 0002). Supabase grants its API roles everything in `public` by default,
and 0002's default privileges cover only what the migrating role creates after it, so the
revocation is explicit here, sequences included.

Reversing it grants nothing back: no API role held anything on these tables.
"""

from django.db import migrations

LOCK_DOWN = """
REVOKE ALL ON
    django_session,
    axes_accessattempt, axes_accessattemptexpiration, axes_accessfailurelog, axes_accesslog
FROM anon, authenticated, service_role;
REVOKE ALL ON SEQUENCE
    axes_accessattempt_id_seq, axes_accessfailurelog_id_seq, axes_accesslog_id_seq
FROM anon, authenticated, service_role;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("carnivore", "0003_staff_groups"),
        ("sessions", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunSQL(LOCK_DOWN, reverse_sql=migrations.RunSQL.noop),
    ]
