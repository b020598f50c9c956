"""An officer signs in with the council's single sign-on, in Chromium, through a real OpenID
provider's login and consent pages (tests/oidc_provider), and lands with their own role.
The sign-in page offering it is audited with axe at desktop and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plans import roles
from tests import factories
from tests.oidc_provider.run import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_an_officer_signs_in_through_the_council_provider(
    page, live_server, sso, directorates, audit_both
):
    ann = factories.user(
        "ann.o", roles.LEAD_OFFICER, [directorates["CH"]], email="ann.officer@example.org"
    )
    page.goto(f"{live_server.url}/sign-in/")
    audit_both(page)

    page.get_by_role("button", name="Sign in with Council Login").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider: sign in")
    page.get_by_label("User name").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.url.startswith(live_server.url)
    ann.refresh_from_db()
    assert list(ann.groups.values_list("name", flat=True)) == [roles.LEAD_OFFICER]
    assert not ann.is_superuser and not ann.is_staff
