"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.permissions import needs_second_factor

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The width of a phone: every page must fit it without scrolling sideways.
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright's own browser download cannot work here: use Debian's Chromium, with the
    # flags that keep it from reaching for Google's services on a closed network.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def audit():
    """Check the page fits its window (nothing scrolls sideways), then run axe-core on it;
    fail with what was found."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make node-deps` (npm ci) first")

    source = AXE.read_text(encoding="utf-8")

    def run(page) -> None:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        window = page.viewport_size["width"]
        assert width <= window, (
            f"{page.url} is {width} px wide in a {window} px window: it scrolls sideways"
        )
        # Evaluated through the DevTools protocol, which the page's strict CSP does not
        # govern; a <script> tag would (rightly) be refused.
        page.evaluate(f"() => {{ {source}\n; window.axe = axe; }}")
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS
        )
        violations = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]
        assert not violations, f"axe-core found on {page.url}:\n" + json.dumps(violations, indent=2)

    return run


@pytest.fixture
def audit_both(audit):
    """`audit` at the browser's desktop width and again at 390 px, the width of a phone."""

    def run(page) -> None:
        audit(page)
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        audit(page)
        page.set_viewport_size(size)

    return run


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test if the browser reports a CSP violation."""
    violations: list[str] = []

    def watch(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", watch)
    yield page
    assert not violations, "\n".join(violations)


# The authenticator app of every user whose role needs one, in the browser tests.
TOTP_KEY = "3132333435363738393031323334353637383930"


def current_code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


@pytest.fixture
def sign_in(live_server):
    """Signs in through the form; a user whose role needs a second factor gets an app with a
    known key, fresh each time (a code is accepted once), and the helper enters its code."""

    def run(page, username: str, password: str) -> None:
        user = get_user_model().objects.filter(username=username).first()
        device = None
        if user is not None and needs_second_factor(user):
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, key=TOTP_KEY, confirmed=True)
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if device is not None and "/sign-in/code/" in page.url:
            page.get_by_label("Code").fill(current_code(device))
            page.get_by_role("button", name="Continue").click()

    return run
