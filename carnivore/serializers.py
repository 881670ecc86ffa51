"""Input pieces the API apps share: refuse, with a field-level message, what a client did not
mean to send and what the database cannot store.

DRF is lenient by default: a serializer ignores fields it does not know, a CharField turns the
number 5 into "5", a UUIDField turns `false` into the nil UUID (so unrelated clients' events
would share one event_uuid), and a DictField takes any JSON, including text PostgreSQL's jsonb
refuses (a 500). None of that is what the OpenAPI schema promises.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.validators import ProhibitSurrogateCharactersValidator


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses fields it does not know, naming them.

    Its OpenAPI schema says so (`additionalProperties: false`, carnivore.schema).
    """

    refused_fields = {"user_id": "Not accepted: the user comes from authentication.", "user": None}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                default = "Unknown field."
                raise ValidationError(
                    {name: [self.refused_fields.get(name) or default] for name in unknown}
                )
        return super().to_internal_value(data)


def validated_query(request, query: type[serializers.Serializer]) -> dict:
    """Return the query parameters `query` declares, validated: a bad one is a 400 naming it."""
    # A plain dict: DRF's fields read an empty value in a QueryDict as "not given".
    params = query(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    return params.validated_data


class StringsOnly:
    """For a field DRF also fills from other JSON types (CharField takes 5 as "5", UUIDField
    takes 5, and so `false`, as the UUID with that number): take JSON strings only."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StringsOnly, serializers.CharField):
    """DRF's CharField, for JSON strings only."""


class StrictUUIDField(StringsOnly, serializers.UUIDField):
    """DRF's UUIDField, for JSON strings only."""


def _scalars_in(value) -> Iterator[str | int | float | bool | None]:
    """Every scalar in a JSON value, object keys included, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _scalars_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars_in(item)
    else:
        yield value


def check_jsonb_value(value) -> None:
    """Refuse a JSON value holding what jsonb cannot store, anywhere in it: a NUL character or
    a lone UTF-16 surrogate in a text, or a number past a float's range (Python's parser reads
    `1e400` as infinity, which is no JSON number)."""
    refuse_null, refuse_surrogate = (
        ProhibitNullCharactersValidator(),
        ProhibitSurrogateCharactersValidator(),
    )
    for scalar in _scalars_in(value):
        if isinstance(scalar, str):
            refuse_null(scalar)
            refuse_surrogate(scalar)
        elif isinstance(scalar, float) and not math.isfinite(scalar):
            raise ValidationError("Numbers must be finite (within a double's range).")


class JsonbObjectField(serializers.DictField):
    """A JSON object stored in a jsonb column (see check_jsonb_value)."""

    default_validators = [check_jsonb_value]
