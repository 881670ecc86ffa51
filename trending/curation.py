"""Editors' soft delete and restore of content: topics, videos, creators and editorial items.

Nothing is removed: a row is hidden (`is_active = false`), which row-level security then hides
from readers, and shown again the same way; each change is audited by the tables' triggers.
Hiding a topic, video or editorial item also hides its grid items, so that it leaves the
homepage at the next refresh; showing it again shows them again.
"""

from __future__ import annotations

from django.db import models, transaction

from grid.models import BentoGridItem, ContentType, EditorialItem, EditorialKind
from trending.models import TopVideo, TrendingTopic

# The grid's content types of each kind of content (creators are not on the grid).
GRID_CONTENT_TYPES: dict[type[models.Model], list[str]] = {
    TrendingTopic: [ContentType.TRENDING_TOPIC],
    TopVideo: [ContentType.TOP_VIDEO],
    EditorialItem: list(EditorialKind.values),
}


def content_set_active(*, queryset: models.QuerySet, active: bool) -> int:
    """Show (`active`) or soft-delete the rows of `queryset`; return how many changed.

    Runs under the caller's role: rows row-level security keeps from them are left alone.
    Rows already in the wanted state are not written (no audit noise).
    """
    with transaction.atomic():
        changed_ids = list(
            queryset.filter(is_active=not active).order_by().values_list("pk", flat=True)
        )
        if not changed_ids:
            return 0
        changed = (
            queryset.model.objects.filter(pk__in=changed_ids, is_active=not active)
            .order_by()
            .update(is_active=active)
        )
        content_types = GRID_CONTENT_TYPES.get(queryset.model)
        if content_types:
            BentoGridItem.objects.filter(
                content_type__in=content_types, content_id__in=changed_ids, is_active=not active
            ).update(is_active=active)
    return changed
