"""Users change their own password in the service, under the site's password rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

NEW = "a-much-longer-passphrase-42"


def form(old=factories.PASSWORD, new=NEW, again=NEW):
    return {"old_password": old, "new_password1": new, "new_password2": again}


@pytest.mark.django_db
def test_a_user_changes_their_password_from_their_account(client, users):
    client.force_login(users["officer"])
    account = client.get(reverse("account")).content.decode()
    assert reverse("password_change") in account
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    response = client.post(reverse("password_change"), form(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account")
    assert "Your password is changed." in response.content.decode()
    # Still signed in here; the old password no longer works, the new one does.
    assert client.get(reverse("account")).status_code == 200
    users["officer"].refresh_from_db()
    assert users["officer"].check_password(NEW)
    assert not users["officer"].check_password(factories.PASSWORD)


@pytest.mark.django_db
def test_other_sessions_of_the_user_end(client, users):
    other = client.__class__()
    other.force_login(users["officer"])
    client.force_login(users["officer"])
    client.post(reverse("password_change"), form())
    assert other.get(reverse("account")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form(old="not-my-password"), "Your old password was entered incorrectly"),
        (form(new="short", again="short"), "This password is too short"),
        (form(new="password12345", again="password12345"), "This password is too common"),
        (form(again="something-else-entirely"), "The two password fields"),
    ],
)
def test_a_wrong_old_password_or_a_weak_new_one_is_refused(client, users, data, message):
    client.force_login(users["officer"])
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    users["officer"].refresh_from_db()
    assert users["officer"].check_password(factories.PASSWORD)


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_the_page_refuses_other_methods(client, users):
    client.force_login(users["officer"])
    assert client.put(reverse("password_change")).status_code == 405
