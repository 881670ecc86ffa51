"""Triggers that grid puts on the content a grid item shows.

`HideGridItems`: when a piece of content is hidden (is_active set to false, also by a soft
DELETE), its grid item is hidden in the same statement, so that the homepage can never show
content that its own page no longer does. It runs with the rights of whoever hid the content
(admins and the service role may change grid items) and no session setting switches it off.
Showing the content again leaves the grid item to the editor (grid.services.content_set_active
shows both).
"""

from __future__ import annotations

import pgtrigger

from carnivore.triggers import StrictTrigger


class HideGridItems(StrictTrigger):
    """Hide the grid item of content that is hidden (see module doc)."""

    name = "hide_grid_items"
    level = pgtrigger.Row
    when = pgtrigger.After
    operation = pgtrigger.Update
    condition = pgtrigger.Condition("OLD.is_active AND NOT NEW.is_active")

    def __init__(self, *, content_type_sql: str, **kwargs):
        """`content_type_sql`: the SQL giving the row's grid content type ('top_video', or
        NEW.kind for editorial items)."""
        self.content_type_sql = content_type_sql
        super().__init__(**kwargs)

    def get_func(self, model) -> str:
        # content_type_sql is fixed by the model declaring the trigger, never input.
        return (
            "UPDATE public.bento_grid_items SET is_active = false"  # noqa: S608
            f" WHERE content_type = {self.content_type_sql} AND content_id = NEW.id"
            " AND is_active; RETURN NULL;"
        )
