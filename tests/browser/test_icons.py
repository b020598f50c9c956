"""The icons a browser fetches for the tab and the home screen are there, signed in or not."""

from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=True)
def test_the_icons_load_without_signing_in(page, live_server):
    page.goto(f"{live_server.url}/sign-in/")
    icons = page.eval_on_selector_all(
        "link[rel='icon'], link[rel='apple-touch-icon']", "links => links.map(l => l.href)"
    )
    assert len(icons) == 2
    for url in [*icons, f"{live_server.url}/favicon.ico"]:
        response = page.request.get(url)
        assert response.ok, (url, response.status)
        assert response.headers["content-type"].startswith("image/"), url
