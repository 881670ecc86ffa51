"""Tags and interests match after one normalisation, the same in Python and in SQL, wherever they
are stored or compared (grid/tags.py, grid/sql/grid_tag_normalise.sql)."""

from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from grid.models import BentoGridItem, RefreshTrigger
from grid.selectors import grid_item_sources
from grid.services import grid_refresh
from grid.tags import tag_normalise, tags_normalise
from tests import factories as f


@pytest.mark.parametrize("label", ["Budget carnivore", "#BudgetCarnivore", "budget-carnivore"])
@pytest.mark.django_db
def test_each_form_of_an_interest_boosts_an_item_tagged_budgetcarnivore(client, label):
    """A reader's interest written "Budget carnivore", "#BudgetCarnivore" or "budget-carnivore"
    boosts the item tagged budgetcarnivore by 5 in their personalised grid."""
    topic = f.make_topic(tags=["Budget Carnivore"])
    source = grid_item_sources([("trending_topic", topic.id)])["trending_topic", topic.id]
    assert source.data["tags"] == ["budgetcarnivore"]
    BentoGridItem.objects.create(
        content_type="trending_topic",
        content_id=topic.id,
        content_title=source.content_title,
        base_score=Decimal(50),
        week_of=source.week_of,
        data=source.data,
    )
    grid_refresh(trigger=RefreshTrigger.COMMAND)
    client.force_login(f.make_user())
    put = client.put("/api/me/interests/", {"interests": [label]}, content_type="application/json")
    assert put.json()["interest_tags"] == ["budgetcarnivore"]
    (item,) = client.get("/api/grid/personalized/").json()["items"]
    assert (item["personalization_boost"], item["ranking"]["boost"]) == (5, 5)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
@pytest.mark.django_db
def test_python_and_sql_normalise_alike(label):
    """grid.tags.tag_normalise and the SQL grid_tag_normalise() give the same tag for any text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT grid_tag_normalise(%s)", [label.replace("\x00", "")])
        (in_sql,) = cursor.fetchone()
    assert in_sql == tag_normalise(label.replace("\x00", ""))


def test_tags_normalise_keeps_order_and_drops_blanks_and_repeats():
    """A list of labels becomes their tags in order, without blanks or repeats."""
    assert tags_normalise(["Organ Meats", "organ-meats", "#", "Liver", "Crème"]) == [
        "organmeats",
        "liver",
        "creme",
    ]
