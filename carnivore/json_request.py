"""The API's JSON request parser: DRF's, with a bound on how deeply a document may nest.

Python's json module parses by recursion: a body of 100,000 `[` raises RecursionError, which
DRF's parser does not catch (a 500), and a document nested just under the interpreter's limit
would overflow the stack later, in validation or in psycopg's JSON dumping. No input of this
API nests deeper than a few levels, so anything past MAX_DEPTH is a 400 at parsing.
"""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def json_depth(value) -> int:
    """Return how deeply arrays and objects nest in a parsed JSON value (a scalar: 0)."""
    # Level by level, keeping only containers: a loop, not recursion (the value may be as deep
    # as the parser allowed), and scalars, most of a document, are looked at once.
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        level = [
            child
            for container in level
            for child in (container.values() if isinstance(container, dict) else container)
            if isinstance(child, (dict, list))
        ]
    return depth


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing documents nested deeper than MAX_DEPTH."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = f"JSON parse error - nested more than {MAX_DEPTH} levels deep."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(too_deep) from exc
        if json_depth(data) > MAX_DEPTH:
            raise ParseError(too_deep)
        return data
