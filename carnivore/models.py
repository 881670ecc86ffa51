"""The user model, and the building blocks every app's models share."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class User(AbstractUser):
    """A person who signs in: reader, editor or auditor.

    The id is a UUID, the same kind Supabase Auth issues, so a Supabase JWT maps to the user with
    the same id and `auth.uid()` in SQL equals `request.user.id` in Python.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta(AbstractUser.Meta):
        db_table = "carnivore_user"
        swappable = "AUTH_USER_MODEL"


class Timestamped(models.Model):
    """`created_at` set by the database; `modified_at` set by the `stamp_modified_at` trigger."""

    created_at = models.DateTimeField(db_default=Now(), editable=False)
    modified_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        abstract = True


def not_blank(field: str) -> Q:
    """Return the condition that `field` holds more than whitespace."""
    return ~Q(**{f"{field}__regex": r"^\s*$"})


def score_range(field: str) -> Q:
    """Return the condition that a 0..100 score column holds."""
    return Q(**{f"{field}__gte": 0, f"{field}__lte": 100})
