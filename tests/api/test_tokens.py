"""Administrators make and revoke tokens; the token is shown once and kept only as a hash."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken, hash_token
from plans.models import AuditEvent, AuditKind, User
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_makes_a_token_and_sees_it_once(users, directorates):
    client = signed_in(users["admin"])
    response = client.post(
        reverse("api:token_new"),
        {"name": "Power BI (finance)", "role": "Approver", "directorates": [directorates["F"].pk]},
    )
    assert response.status_code == 200
    token = response.context["token"]
    assert token.startswith("spt_")
    assert "Copy the token now" in response.content.decode()
    assert token in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # no browser or proxy keeps the page
    record = ApiToken.objects.get()
    assert record.key_hash == hash_token(token)
    assert record.created_by == users["admin"]
    account = record.user
    assert account.username == "api-power-bi-finance-1"
    assert not account.has_usable_password()
    assert list(account.groups.values_list("name", flat=True)) == ["Approver"]
    assert list(account.directorates.all()) == [directorates["F"]]
    assert AuditEvent.objects.filter(kind=AuditKind.API_TOKEN, user=users["admin"]).exists()
    # The list shows it without the token itself.
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "Power BI (finance)" in listing and record.key_prefix in listing
    assert token not in listing
    # It works, as its account.
    assert ApiClient(token).get("/plans").status_code == 200
    # The service account can never sign in to the pages: no password opens it.
    assert not account.check_password("") and not account.check_password(token)


def test_two_tokens_of_the_same_name_get_their_own_accounts(users):
    client = signed_in(users["admin"])
    for _ in range(2):
        client.post(reverse("api:token_new"), {"name": "Website", "role": "Viewer"})
    assert sorted(
        User.objects.filter(username__startswith="api-").values_list("username", flat=True)
    ) == [
        "api-website-1",
        "api-website-2",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "role": "Viewer"}, "Enter the name of the system"),
        ({"name": "   ", "role": "Viewer"}, "Enter the name of the system"),
        ({"name": "X", "role": "Administrator"}, "Choose one of the roles listed"),
        ({"name": "X"}, "Choose what the token may read"),
        ({"name": "X", "role": "Approver"}, "Choose the directorates an approver"),
        ({"name": "X", "role": "Viewer", "directorates": ["999999"]}, "Choose directorates"),
    ],
)
def test_the_form_says_what_is_wrong(users, data, message):
    response = signed_in(users["admin"]).post(reverse("api:token_new"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["viewer", "officer", "approver", "performance"])
def test_only_administrators_reach_the_token_pages(users, name):
    client = signed_in(users[name])
    token_for(users["viewer"])
    record = ApiToken.objects.get()
    assert client.get(reverse("api:tokens")).status_code == 403
    assert client.get(reverse("api:token_new")).status_code == 403
    assert client.post(reverse("api:token_new"), {"name": "X", "role": "Viewer"}).status_code == 403
    assert (
        client.post(reverse("api:token_revoke", args=[record.pk]), {"confirm": "yes"}).status_code
        == 403
    )
    assert ApiToken.objects.live().count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(users):
    response = Client().get(reverse("api:tokens"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_wrong_methods_are_405(users):
    client = signed_in(users["admin"])
    token_for(users["viewer"])
    record = ApiToken.objects.get()
    assert client.post(reverse("api:tokens")).status_code == 405
    assert client.put(reverse("api:token_new")).status_code == 405
    assert client.delete(reverse("api:token_revoke", args=[record.pk])).status_code == 405


def test_revoking_asks_for_confirmation_then_refuses_the_token(users):
    client = signed_in(users["admin"])
    response = client.post(reverse("api:token_new"), {"name": "Warehouse", "role": "Viewer"})
    token = response.context["token"]
    record = ApiToken.objects.get()
    url = reverse("api:token_revoke", args=[record.pk])
    assert "Revoke “Warehouse”?" in client.get(url).content.decode()
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert ApiToken.objects.live().count() == 1
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_revoked and record.revoked_by == users["admin"]
    assert not record.user.is_active  # no other live token: the account is switched off
    assert ApiClient(token).get("/plans").status_code == 401
    assert AuditEvent.objects.filter(kind=AuditKind.API_TOKEN, message__contains="revoked").exists()
    assert "Revoked" in client.get(reverse("api:tokens")).content.decode()
    # Revoking again changes nothing and says it was revoked.
    assert "was revoked on" in client.get(url).content.decode()


def test_revoking_one_of_two_tokens_of_an_account_keeps_the_account(users):
    client = signed_in(users["admin"])
    token_for(users["viewer"], name="one")
    token_for(users["viewer"], name="two")
    first = ApiToken.objects.get(name="one")
    client.post(reverse("api:token_revoke", args=[first.pk]), {"confirm": "yes"})
    users["viewer"].refresh_from_db()
    assert users["viewer"].is_active


def test_an_unknown_token_is_404(users):
    assert signed_in(users["admin"]).get(reverse("api:token_revoke", args=[999])).status_code == 404


def test_service_accounts_are_offered_as_no_ones_lead_or_approver(users, directorates):
    from deliverables.permissions import users_who_may_approve_updates, users_who_may_enter_updates

    client = signed_in(users["admin"])
    client.post(
        reverse("api:token_new"),
        {"name": "Approvals feed", "role": "Approver", "directorates": [directorates["CH"].pk]},
    )
    account = ApiToken.objects.get().user
    assert account.has_perm("deliverables.approve_update")  # it reads as an approver ...
    assert account not in users_who_may_approve_updates()  # ... but is no one's approver
    assert account not in users_who_may_enter_updates()
    assert users["approver"] in users_who_may_approve_updates()


def test_the_account_page_links_administrators_to_the_tokens(users):
    assert "Manage API tokens" in signed_in(users["admin"]).get("/account/").content.decode()
    assert "Manage API tokens" not in signed_in(users["viewer"]).get("/account/").content.decode()


def _token_list_queries(client, django_assert_num_queries, expected: int) -> None:
    client.get(reverse("api:tokens"))  # warm
    with django_assert_num_queries(expected):
        assert client.get(reverse("api:tokens")).status_code == 200


def test_the_token_list_costs_the_same_queries_for_3_or_10_tokens(
    users, directorates, django_assert_num_queries
):
    from api.services import api_token_create

    client = signed_in(users["admin"])
    for index in range(3):
        api_token_create(users["admin"], f"System {index}", "Approver", [directorates["CH"]])
    _token_list_queries(client, django_assert_num_queries, QUERIES_FOR_TOKEN_LIST)
    for index in range(7):
        api_token_create(users["admin"], f"More {index}", "Viewer", [])
    _token_list_queries(client, django_assert_num_queries, QUERIES_FOR_TOKEN_LIST)


QUERIES_FOR_TOKEN_LIST = 7
