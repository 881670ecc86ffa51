"""API tokens in the back office: a superuser gives a reader a token that then signs them in to
the API, and takes it back; editors and auditors never see the keys."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests import factories as f

TOKENS = "/admin/authtoken/tokenproxy/"


@pytest.fixture
def boss_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def reader(db):
    return f.make_user(username="rita")


@pytest.mark.django_db
def test_a_superuser_gives_a_reader_a_token_that_signs_in_to_the_api(boss_client, reader):
    """The add form (a search for the account) creates the token; the list shows it; the
    reader's API calls with it are theirs."""
    assert boss_client.get(f"{TOKENS}add/").status_code == 200

    response = boss_client.post(f"{TOKENS}add/", {"user": reader.pk})

    assert response.status_code == 302
    token = Token.objects.get(user=reader)
    listed = boss_client.get(TOKENS)
    assert listed.status_code == 200
    assert token.key in listed.content.decode() and "rita" in listed.content.decode()
    api = Client().get("/api/me/interests/", headers={"Authorization": f"Token {token.key}"})
    assert api.status_code == 200


@pytest.mark.django_db
def test_a_superuser_takes_a_token_back(boss_client, reader):
    """Deleting the token (its page is the reader's id) ends the reader's API access."""
    token = Token.objects.create(user=reader)

    response = boss_client.post(f"{TOKENS}{reader.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["editor_client", "auditor_client"])
@pytest.mark.parametrize("page", ["", "add/"])
def test_editors_and_auditors_are_refused_the_token_pages(request, reader, who, page):
    """Token keys are credentials: staff who are not superusers get 403."""
    Token.objects.create(user=reader)
    staff_client = request.getfixturevalue(who)

    assert staff_client.get(f"{TOKENS}{page}").status_code == 403
