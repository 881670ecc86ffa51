"""Signing in reads Django's user table as the connecting role, inside the role-switched request."""

import pytest

from tests import factories as f


@pytest.mark.django_db(transaction=True)
def test_login_through_the_admin_works_under_the_role_switch(client):
    """A superuser signs in on the admin's form and lands on the admin index."""
    f.make_user(username="boss", password="a-long-password-1", is_staff=True, is_superuser=True)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "boss", "password": "a-long-password-1"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_refused_politely(client):
    """A failed sign-in shows the form again with an error, not a server error."""
    f.make_user(username="boss", password="a-long-password-1", is_staff=True)
    response = client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content
