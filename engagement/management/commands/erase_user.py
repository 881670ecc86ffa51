"""`manage.py erase_user <uuid|username> [--operator USERNAME]`: erase a reader's account for
them (engagement.services.reader_erase): events kept but unlinked, interests removed, the
account, its token and sessions deleted, the erasure audited under the operator's account."""

from __future__ import annotations

import contextlib
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from engagement.services import StaffNotErased, reader_erase


def user_named(name: str):
    """Return the user whose id or username is `name`, or raise CommandError."""
    condition = Q(username=name)
    with contextlib.suppress(ValueError):  # not an id: a username only
        condition |= Q(pk=uuid.UUID(name))
    user = get_user_model().objects.filter(condition).first()
    if user is None:
        raise CommandError(f"no user with the id or username {name!r}")
    return user


class Command(BaseCommand):
    help = "Erase a reader's account: their events stay counted, linked to nobody."

    def add_arguments(self, parser):
        parser.add_argument("reader", help="the reader's id (uuid) or username")
        parser.add_argument(
            "--operator", help="your own username, which the audit log names as the one who asked"
        )

    def handle(self, *args, reader: str, operator: str | None, **options):
        user = user_named(reader)
        erased_by = user_named(operator) if operator else None
        user_id = user.pk
        try:
            erasure = reader_erase(user=user, erased_by=erased_by)
        except StaffNotErased as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Erased {user_id}: {erasure.events_unlinked} events unlinked"
            f" ({erasure.votes_rekeyed} votes re-keyed), interests"
            f" {'removed' if erasure.interests_removed else 'none'};"
            f" audit_log #{erasure.audit_log_id}"
        )
