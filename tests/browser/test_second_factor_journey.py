"""The performance team's first sign-in with a second factor, in a browser: set up an app from
the QR code's key, save the recovery codes, sign in again with a recovery code, and change
the password. Every page is audited with axe at desktop and 390 px."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests import factories


def code_for(key_text: str, ahead: int = 0) -> str:
    key = b32decode(key_text.replace(" ", ""))
    return f"{totp(key, drift=ahead):06d}"


def password_sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_first_sign_in_sets_up_an_app_then_a_recovery_code_signs_in(
    page, live_server, users, audit_both
):
    base = live_server.url
    password_sign_in(page, base, "performance", factories.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_text("Your role needs a second factor")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    # Loaded, not only laid out: wait for the image itself (slow under load).
    qr.evaluate(
        "img => img.complete ? true : new Promise((done, fail) => {"
        " img.addEventListener('load', () => done(true));"
        " img.addEventListener('error', () => fail(new Error('QR code did not load'))); })"
    )
    assert qr.evaluate("img => img.naturalWidth") > 0
    audit_both(page)
    key = page.locator("#secret-key").inner_text()

    # Other pages wait until the app is set up.
    page.goto(f"{base}/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")

    page.get_by_label("Enter the 6-digit code the app shows").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    audit_both(page)
    time.sleep(1.2)  # django-otp's delay after one wrong code
    page.get_by_label("Enter the 6-digit code the app shows").fill(code_for(key))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    audit_both(page)
    codes = page.locator("main ul li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("Authenticator app, with 10 recovery codes left")).to_be_visible()

    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    audit_both(page)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    audit_both(page)

    page.get_by_role("button", name="Sign out").click()
    password_sign_in(page, base, "performance", factories.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    audit_both(page)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used a recovery code. You have 9 left")).to_be_visible()
