"""Writes of the grid app: the grid refresh, readers' interests, editors' pin/hide actions, and
the soft delete and restore of any content that may stand on the grid."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from carnivore.db_context import SERVICE_ROLE, Identity, run_as
from grid.models import BentoGridItem, GridRefreshRun, RefreshTrigger, UserInterest
from grid.selectors import grid_cache_invalidate
from grid.tags import tag_normalise, tags_normalise

# pg_advisory_xact_lock key: one refresh at a time, a second one waits for the first.
GRID_REFRESH_LOCK = 0x6772_6964  # "grid"
MAX_INTERESTS = 20


@dataclass(frozen=True)
class RefreshResult:
    run_id: int
    items_rescored: int
    items_ranked: int
    items_moved: int
    old_hero_id: int | None
    new_hero_id: int | None
    duration_ms: float


def grid_refresh(*, trigger: RefreshTrigger, requested_by=None) -> RefreshResult:
    """Count every committed event (the engagement rollup), recompute the window figures as of
    this hour, re-rank the active items by rank_score (pinned ones stay), refresh
    `homepage_grid` concurrently, and record the run.

    Runs as the service role, on behalf of `requested_by` when a person asked for it (the audit
    log then names them). Two refreshes never interleave: the second waits for the first.
    """
    identity = Identity(SERVICE_ROLE, user_id=requested_by.pk if requested_by else None)
    with run_as(identity), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GRID_REFRESH_LOCK])
        started_at = timezone.now()
        clock = time.perf_counter()
        # Every committed event counts, then the windows move to this hour.
        cursor.execute("SELECT engagement_rollup_drain()")
        cursor.execute("SELECT engagement_rescore_all()")
        (rescored,) = cursor.fetchone()
        cursor.execute("SELECT items_ranked, items_moved, old_hero, new_hero FROM grid_rerank()")
        ranked, moved, old_hero, new_hero = cursor.fetchone()
        cursor.execute("SELECT grid_refresh_homepage(%s)", [settings.GRID_SLOTS])
        duration_ms = (time.perf_counter() - clock) * 1000
        run = GridRefreshRun.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            duration_ms=duration_ms,
            items_ranked=ranked,
            items_moved=moved,
            old_hero_id=old_hero,
            new_hero_id=new_hero,
            triggered_by=trigger,
            requested_by=requested_by,
        )
        transaction.on_commit(grid_cache_invalidate)
    return RefreshResult(run.id, rescored, ranked, moved, old_hero, new_hero, duration_ms)


def interests_normalised_each(labels: list[str]) -> list[str]:
    """The tag of each interest label ("" for a label with no letter or digit; grid/tags.py)."""
    return [tag_normalise(label) for label in labels]


def interests_normalised(labels: list[str]) -> list[str]:
    """The tags of interest labels, in order, without repeats or blanks (grid/tags.py)."""
    return tags_normalise(labels)


def interests_set(*, user, labels: list[str]) -> UserInterest:
    """Replace the reader's interests (labels as given, tags as slugs). Runs under their role,
    so row-level security lets them write their own row only."""
    tags = interests_normalised(labels)
    row, created = UserInterest.objects.get_or_create(
        user=user, defaults={"interests": labels, "interest_tags": tags, "is_active": True}
    )
    if not created and (row.interests, row.interest_tags, row.is_active) != (labels, tags, True):
        row.interests, row.interest_tags, row.is_active = labels, tags, True
        row.save(update_fields=["interests", "interest_tags", "is_active"])
    return row


class TooManyInterests(ValueError):
    """Adding the labels would take the reader past MAX_INTERESTS."""


def interests_add(*, user, labels: list[str]) -> UserInterest:
    """Add `labels` to the reader's interests (a merge): those whose tag the reader already
    follows, or that repeat one given before them, are skipped; the others follow the reader's
    own, in order. Runs under their role, as `interests_set` does.

    Their row is locked while it is read and written, so two additions at once both count.

    Raises:
        TooManyInterests: the merged list would hold more than MAX_INTERESTS labels; nothing
            is saved.
    """
    with transaction.atomic():
        row = UserInterest.objects.select_for_update().filter(user=user).first()
        current = list(row.interests) if row is not None and row.is_active else []
        followed = set(interests_normalised(current))
        added = []
        for label, tag in zip(labels, interests_normalised_each(labels), strict=True):
            if tag and tag not in followed:
                followed.add(tag)
                added.append(label)
        merged = current + added
        if len(merged) > MAX_INTERESTS:
            raise TooManyInterests(
                f"At most {MAX_INTERESTS} interests: you have {len(current)}"
                f" and {len(added)} would be added."
            )
        return interests_set(user=user, labels=merged)


def grid_item_pin(*, item: BentoGridItem, position: int) -> None:
    """Fix `item` at `position`; the refresh fills the other positions around it."""
    item.is_pinned, item.grid_position = True, position
    item.save(update_fields=["is_pinned", "grid_position"])


def grid_items_set_pinned(*, queryset: QuerySet[BentoGridItem], pinned: bool) -> int:
    """Pin the items at their positions, or hand them back to the refresh, in one UPDATE;
    return how many changed."""
    return queryset.filter(is_pinned=not pinned).update(is_pinned=pinned)


def content_set_active(*, queryset: QuerySet[Model], active: bool) -> int:
    """Show (`active`) or soft-delete the rows of `queryset`; return how many changed.

    Nothing is removed: a row is hidden (`is_active = false`), which row-level security then
    hides from readers, and shown again the same way; the tables' triggers audit each change.
    When the model names the grid content types it stands on (`grid_content_types`, e.g. on
    TrendingTopic), its grid items are hidden or shown with it, so that hidden content leaves
    the homepage at the next refresh.

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
        content_types = getattr(queryset.model, "grid_content_types", ())
        if content_types:
            BentoGridItem.objects.filter(
                content_type__in=content_types, content_id__in=changed_ids, is_active=not active
            ).update(is_active=active)
    return changed
