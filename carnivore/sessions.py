"""Staff sessions, kept server-side in `django_session` (SESSION_ENGINE = "carnivore.sessions").

A session is a row, and the cookie only names it: signing out, or changing the password, deletes
the row, so a copied cookie stops working at once (a signed-cookie session would stay valid
until it expires). Django's database backend, not `cached_db`: with the default per-process
cache a signed-out session would live on in the other web processes' caches, and with Redis a
delete missed while Redis was down would bring it back.

`django_session` is one of Django's own tables, which no API role may read (a session key is a
credential). Sessions are loaded before a request switches roles, and saved after its
transaction ends, both as the connecting role; the writes inside a view (signing in cycles the
key, signing out deletes it, a password change does both) step out to the connecting role too.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.utils import timezone

from carnivore.db_context import connecting_role


class SessionStore(db.SessionStore):
    """Django's database session store, reading and writing as the connecting role."""

    def _get_session_from_db(self):
        with connecting_role():
            return super()._get_session_from_db()

    def exists(self, session_key):
        with connecting_role():
            return super().exists(session_key)

    def save(self, must_create=False):
        with connecting_role():
            return super().save(must_create=must_create)

    def delete(self, session_key=None):
        with connecting_role():
            return super().delete(session_key)


def sessions_clear_expired() -> int:
    """Delete the sessions past their expiry (Django's `clearsessions`); return how many."""
    deleted, _ = (
        SessionStore.get_model_class().objects.filter(expire_date__lt=timezone.now()).delete()
    )
    return deleted


def sessions_end_for(*, user_id) -> int:
    """Delete every unexpired session signed in as `user_id` (a user being erased); return how
    many. A session names its user only inside its encoded data, so each is decoded: fine for
    a rare erasure, not for a hot path. Run as the connecting role."""
    model = SessionStore.get_model_class()
    signed_in = [
        session.session_key
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    deleted, _ = model.objects.filter(session_key__in=signed_in).delete()
    return deleted
