"""Bad input to the API answers in JSON, never with a 500 or an HTML page: an offset past any
plan's rows is a 422, and an address no endpoint matches (an id of the wrong shape) a JSON 404."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, token_for, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path,data",
    [
        ("/plans", {}),
        ("/periods", {"plan": "test-plan"}),
        ("/actions", {"plan": "test-plan"}),
        ("/updates", {"plan": "test-plan"}),
        ("/reports", {"plan": "test-plan"}),
    ],
)
def test_a_huge_offset_is_a_422_not_a_500(world, users, path, data):  # noqa: F811
    reader = ApiClient(token_for(users["viewer"]))
    response = reader.get(path, {**data, "offset": str(10**30)})
    assert response.status_code in (200, 422), response.status_code


@pytest.mark.parametrize("report_id", [str(10**30), "-1", "abc"])
def test_an_unknown_report_is_a_json_404_like_every_other_api_error(world, users, report_id):  # noqa: F811
    """api.base promises JSON errors with a `detail`; /api/reports/<id> with an id the `id`
    converter refuses falls through to Django's HTML 404 page (a client parsing JSON fails)."""
    reader = ApiClient(token_for(users["viewer"]))
    response = reader.get(f"/reports/{report_id}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
