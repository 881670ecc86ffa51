"""The checks every weekly parser shares, and the error they raise: `ImportFileError`.

A parser reads its file with `load_document` and walks it with these helpers, each taking a
value and its JSON path (`$.top_creators[3].videos[0]`): `required` and `optional` fetch a key,
the `as_*` helpers return the value checked and cleaned (text stripped, HTML entities unescaped
where asked, datetimes in UTC) or raise `Invalid`, which `in_file` turns into an ImportFileError
naming the file. Text limits are the models' own (`column_max_length`), so that a value the
database would refuse fails here, with a path.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.db import connection, models

from trending.models import Creator, TopVideo


def column_max_length(model: type[models.Model], name: str) -> int:
    """Return the `max_length` of the text column `name` of `model`."""
    return model._meta.get_field(name).max_length


def column_max_integer(model: type[models.Model], name: str) -> int:
    """Return the largest value the integer column `name` of `model` holds on PostgreSQL."""
    internal_type = model._meta.get_field(name).get_internal_type()
    return connection.ops.integer_field_range(internal_type)[1]


# Column limits of trending.models, checked here to fail with a path instead of a database error.
_BIGINT_MAX = column_max_integer(TopVideo, "views")  # views, likes, comments: any count by default
_CREATOR_NAME_MAX = column_max_length(Creator, "creator_name")
_CHANNEL_ID_MAX = column_max_length(Creator, "channel_id")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y")
# JSON escapes that can decode to text PostgreSQL refuses: NUL, or half of a surrogate pair.
_RISKY_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_SURROGATE = re.compile("[\ud800-\udfff]")


class ImportFileError(ValueError):
    """A file cannot be imported: which file, where in it, and why."""

    def __init__(self, file: str, location: str, reason: str) -> None:
        # All three go to Exception.args so that the error pickles (job queues do that).
        super().__init__(file, location, reason)
        self.file = file
        self.location = location
        self.reason = reason

    def __str__(self) -> str:
        if self.location:
            return f"{self.file}: {self.location}: {self.reason}"
        return f"{self.file}: {self.reason}"


class Invalid(Exception):
    """A value is wrong at `location`; `in_file` turns it into an ImportFileError."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(location, reason)
        self.location = location
        self.reason = reason


@contextmanager
def in_file(file: str) -> Iterator[None]:
    """Turn an `Invalid` raised in the block into an ImportFileError naming `file`."""
    try:
        yield
    except Invalid as invalid:
        raise ImportFileError(file, invalid.location, invalid.reason) from None


def load_document(path: str | Path) -> tuple[str, dict]:
    """Return the hex sha256 of the file's bytes and the JSON object it holds."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise Invalid("", f"cannot read the file: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            _line_and_column(data, error.start),
            f"not UTF-8: byte 0x{data[error.start]:02x} at byte offset {error.start} "
            f"({error.reason})",
        ) from None
    if not text.strip():
        raise Invalid("", "the file is empty")
    try:
        document = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as error:
        reason = error.msg
        if error.pos >= len(text.rstrip()) or reason.startswith("Unterminated string"):
            reason += " (the file ends too early: is it truncated?)"
        raise Invalid(f"line {error.lineno}, column {error.colno}", reason) from None
    except (ValueError, RecursionError) as error:  # NaN, 5,000-digit integers, deep nesting
        raise Invalid("", f"not valid JSON: {error}") from None
    # Walking the 2.3 MB crawl takes three times as long as parsing it: only walk when an escape
    # could have produced text that PostgreSQL refuses.
    if _RISKY_ESCAPE.search(text):
        check_storable(document, "$")
    if not isinstance(document, dict):
        raise Invalid("$", f"expected a JSON object at the top level, got {kind_of(document)}")
    return hashlib.sha256(data).hexdigest(), document


def reject_constant(name: str) -> None:
    """Refuse NaN and Infinity, which Python's json module accepts."""
    raise ValueError(f"{name} is not a JSON number")


def _line_and_column(data: bytes, offset: int) -> str:
    before = data[:offset].decode("utf-8", "replace")
    line = before.count("\n") + 1
    column = len(before) - before.rfind("\n")
    return f"line {line}, column {column}"


def check_storable(value: Any, path: str) -> None:
    """Raise unless `value` is JSON that PostgreSQL can store as text and jsonb."""
    pending = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            _check_storable_text(item, where)
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                if not isinstance(key, str):
                    raise Invalid(where, f"keys must be strings, got {kind_of(key)} {show(key)}")
                _check_storable_text(key, where)
                children.append((child, child_path(where, key)))
            pending.extend(reversed(children))
        elif isinstance(item, list):
            pending.extend((item[i], f"{where}[{i}]") for i in reversed(range(len(item))))
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise Invalid(where, f"expected a finite number, got {item}")
        elif item is not None and not isinstance(item, int):
            raise Invalid(where, f"{kind_of(item)} is not JSON")


def _check_storable_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise Invalid(path, "contains a NUL character (\\u0000), which PostgreSQL cannot store")
    if _SURROGATE.search(text):
        raise Invalid(path, "contains half of a UTF-16 surrogate pair, which is not Unicode")


def with_structures(raw: dict, **parsed: Any) -> dict:
    """Return `raw` with the values that were Python-literal strings replaced by what they hold."""
    return {**raw, **{key: value for key, value in parsed.items() if isinstance(raw.get(key), str)}}


def required(obj: dict, key: str, path: str) -> tuple[Any, str]:
    """Return `obj[key]` and its path; raise when the key is missing."""
    if key not in obj:
        raise Invalid(child_path(path, key), f"missing required key {key!r}")
    return obj[key], child_path(path, key)


def optional(obj: dict, key: str, path: str) -> tuple[Any, str]:
    """Return `obj[key]` (None when missing) and its path."""
    return obj.get(key), child_path(path, key)


def child_path(path: str, key: str) -> str:
    """Return the JSON path of `key` inside the value at `path`."""
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"


def as_object(value: Any, path: str) -> dict:
    """Return `value` if it is a JSON object; raise otherwise."""
    if not isinstance(value, dict):
        raise Invalid(path, f"expected an object, got {kind_of(value)}")
    return value


def as_list(value: Any, path: str) -> list:
    """Return `value` if it is a JSON list; raise otherwise."""
    if not isinstance(value, list):
        raise Invalid(path, f"expected a list, got {kind_of(value)}")
    return value


def as_structure(value: Any, path: str, expected: type[dict] | type[list]) -> Any:
    """Return `value`, read with ast.literal_eval when the file holds it as a string."""
    expected_kind = "an object" if expected is dict else "a list"
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise Invalid(
                path, f"expected {expected_kind} or a Python literal of one, got {show(value)}"
            ) from None
        check_storable(value, path)
    if not isinstance(value, expected):
        raise Invalid(path, f"expected {expected_kind}, got {kind_of(value)}")
    return value


def optional_structure(
    obj: dict, key: str, path: str, expected: type[dict] | type[list]
) -> tuple[Any, str]:
    """Return `as_structure` of `obj[key]` (None when missing or null) and its path."""
    value, where = optional(obj, key, path)
    return (None if value is None else as_structure(value, where, expected)), where


def as_text(
    value: Any,
    path: str,
    *,
    blank: bool = False,
    unescape: bool = False,
    max_length: int | None = None,
) -> str:
    """Return `value` stripped (and HTML-unescaped with `unescape`), checked to be a
    string, non-blank unless `blank`, and at most `max_length` characters."""
    if not isinstance(value, str):
        raise Invalid(path, f"expected a string, got {kind_of(value)}")
    text = (html.unescape(value) if unescape else value).strip()
    if not text and not blank:
        raise Invalid(path, "expected a non-empty string, got an empty one")
    if max_length is not None and len(text) > max_length:
        raise Invalid(path, f"expected at most {max_length} characters, got {len(text)}")
    return text


def optional_text(obj: dict, key: str, path: str, **options: Any) -> str:
    """Return the stripped text at `obj[key]`, '' when it is missing, null or blank."""
    value, where = optional(obj, key, path)
    return "" if value is None else as_text(value, where, blank=True, **options)


def as_name(value: Any, path: str) -> str:
    """Return a creator's name: text, HTML-unescaped, no longer than the column."""
    return as_text(value, path, unescape=True, max_length=_CREATOR_NAME_MAX)


def as_names(value: Any, path: str) -> tuple[str, ...]:
    """Return the creator names of a list (None: none), each once, in order."""
    if value is None:
        return ()
    return unique(
        as_name(item, f"{path}[{index}]") for index, item in enumerate(as_list(value, path))
    )


def as_channel_id(value: Any, path: str) -> str | None:
    """Return a YouTube channel id, or None when missing or blank."""
    if value is None:
        return None
    return as_text(value, path, blank=True, max_length=_CHANNEL_ID_MAX) or None


def as_integer(value: Any, path: str, *, low: int = 0, high: int = _BIGINT_MAX) -> int:
    """Return `value` checked to be an integer from `low` to `high` (not a boolean)."""
    if (low, high) == (0, _BIGINT_MAX):
        expected = "a non-negative integer"
    else:
        expected = f"an integer from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(path, f"expected {expected}, got {kind_of(value)}")
    if not low <= value <= high:
        raise Invalid(path, f"expected {expected}, got {value}")
    return value


def optional_integer(obj: dict, key: str, path: str, **bounds: int) -> int | None:
    """Return the integer at `obj[key]`, None when it is missing or null."""
    value, where = optional(obj, key, path)
    return None if value is None else as_integer(value, where, **bounds)


def as_day(value: Any, path: str) -> date:
    """Return the date `value` holds: ISO ("2026-08-19") or written ("August 19, 2026")."""
    text = as_text(value, path)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for date_format in _DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise Invalid(path, f'expected a date like "August 19, 2026" or "2026-08-19", got {show(text)}')


def as_moment(value: Any, path: str) -> datetime:
    """Return the ISO 8601 time `value` holds, in UTC (a naive time being UTC)."""
    text = as_text(value, path)
    try:
        moment = datetime.fromisoformat(text)
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise Invalid(
            path, f'expected an ISO 8601 time like "2026-08-19T01:04:01Z", got {show(text)}'
        ) from None


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Return `items` without repeats, in order."""
    return tuple(dict.fromkeys(items))


def kind_of(value: Any) -> str:
    """Return what kind of JSON value `value` is, for messages ("a list", "null")."""
    kinds = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "null",
    }
    return kinds.get(type(value), f"a Python {type(value).__name__}")


def show(value: Any) -> str:
    """Return `value` as repr() shows it, cut to 60 characters, for messages."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."
