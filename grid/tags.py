"""The one normalisation of tags and interests (the same rule as grid/sql/grid_tag_normalise.sql,
which the database applies to the content's tags): accents off, lower case, letters a-z and
digits only. "Budget carnivore", "budget-carnivore", "#BudgetCarnivore" and "budgetcarnivore"
are one tag."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_COMBINING_MARKS = re.compile("[\u0300-\u036f]")
_NOT_TAG = re.compile("[^a-z0-9]")


def tag_normalise(label: str) -> str:
    """Return the tag of `label` ("" when it has no letter a-z or digit)."""
    return _NOT_TAG.sub("", _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", label)).lower())


def tags_normalise(labels: Iterable[str]) -> list[str]:
    """Return the tags of `labels`, in order, without blanks or repeats."""
    return list(dict.fromkeys(tag for tag in map(tag_normalise, labels) if tag))
