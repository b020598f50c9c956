"""Guessing one account's password from many addresses: the account locks whatever the
address, an IPv6 /64 counts as one address, and other accounts sign in as usual."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories


def sign_in(client, username: str, password: str, ip: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_32_guesses_from_8_addresses_of_one_ipv6_64_then_the_right_password_is_refused(
    client, users
):
    addresses = [f"2001:db8:1:2::{n:x}" for n in range(1, 9)]
    for attempt in range(32):
        sign_in(client, "officer", f"guess-{attempt}", ip=addresses[attempt % 8])
    response = sign_in(client, "officer", factories.PASSWORD, ip=addresses[0])
    assert response.status_code == 429
    assert "Sign-in locked for now" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_an_ipv6_64_is_one_address_for_the_per_address_lockout(client, users, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", f"guess-{attempt}", ip=f"2001:db8:1:2::{attempt + 1:x}")
    response = sign_in(client, "officer", factories.PASSWORD, ip="2001:db8:1:2:ffff::1")
    assert response.status_code == 429
    # Another /64 is another address.
    response = sign_in(client, "officer", factories.PASSWORD, ip="2001:db8:1:3::1")
    assert response.status_code == 302 and signed_in(client)


@pytest.mark.django_db
def test_guesses_spread_over_many_addresses_lock_the_account_everywhere(client, users, settings):
    per_address = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock any one address
    addresses = [f"198.51.100.{n}" for n in range(1, 9)]
    for address in addresses:
        for attempt in range(per_address):
            sign_in(client, "officer", f"guess-{attempt}", ip=address)
    assert len(addresses) * per_address >= settings.ACCOUNT_LOCKOUT_FAILURES
    # The right password, from an address that never failed, is refused too.
    response = sign_in(client, "officer", factories.PASSWORD, ip="192.0.2.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked for now" in page and "Other people can still sign in" in page
    assert not signed_in(client)
    # Other accounts, from the very same addresses, are not affected.
    response = sign_in(client, "approver", factories.PASSWORD, ip=addresses[0])
    assert response.status_code == 302 and signed_in(client)


@pytest.mark.django_db
def test_fewer_failures_than_the_account_limit_leave_the_account_open(client, users, settings):
    for n in range(settings.ACCOUNT_LOCKOUT_FAILURES - 1):
        sign_in(client, "officer", "guess", ip=f"198.51.100.{n + 1}")
    response = sign_in(client, "officer", factories.PASSWORD, ip="192.0.2.1")
    assert response.status_code == 302 and signed_in(client)
