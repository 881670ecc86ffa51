"""The JSON parser's nesting bound: how deep a document nests, counted without recursion."""

from __future__ import annotations

import json

import pytest

from carnivore.json_request import MAX_DEPTH, json_depth


@pytest.mark.parametrize(
    ("document", "depth"),
    [
        ("0", 0),
        ('"x"', 0),
        ("[]", 1),
        ("{}", 1),
        ('[1, "a", null]', 1),
        ('{"a": [1, {"b": []}], "c": {}}', 4),
        ('[[], [[[]]], {"a": 1}]', 4),
    ],
)
def test_json_depth(document, depth):
    """json_depth counts nesting: a scalar is 0 deep, each array or object adds a level."""
    assert json_depth(json.loads(document)) == depth


def test_json_depth_of_a_value_deeper_than_python_recursion():
    """json_depth measures a value nested deeper than Python's recursion limit."""
    value: list = []
    for _ in range(5_000):
        value = [value]
    assert json_depth(value) == 5_001


@pytest.mark.django_db
def test_the_bound_is_inclusive(client):
    """A document exactly MAX_DEPTH deep is parsed; one level more is refused at parsing."""
    limit = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    past = "[" + limit + "]"
    at_limit = client.post("/api/engagement/", limit, content_type="application/json")
    too_deep = client.post("/api/engagement/", past, content_type="application/json")
    assert "nested" not in json.dumps(at_limit.json())
    assert too_deep.status_code == 400
    assert "nested more than" in too_deep.json()["detail"]
