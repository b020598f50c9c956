"""Only a live token opens the API; its use is recorded; the API only reads."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api.models import ApiToken, hash_token
from api.services import api_token_revoke
from plans.models import AuditEvent, AuditKind
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def _refused(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.json()["detail"]


def test_no_token_is_refused_with_a_json_message(cycle):
    _refused(ApiClient(None).get("/plans"))


def test_a_wrong_token_is_refused_and_recorded(cycle):
    _refused(ApiClient("spt_not-a-real-token").get("/plans"))
    assert AuditEvent.objects.filter(kind=AuditKind.DENIED, path="/api/plans").exists()


def test_another_scheme_is_refused(cycle):
    token = token_for(cycle.viewer)
    response = Client().get("/api/plans", headers={"Authorization": f"Token {token}"})
    _refused(response)


def test_a_token_in_the_query_string_is_not_accepted(cycle):
    token = token_for(cycle.viewer)
    _refused(Client().get("/api/plans", {"token": token, "access_token": token}))


def test_a_signed_in_browser_without_a_token_is_refused(cycle):
    # The session is not an authentication for the API: a page's user cannot read it by
    # visiting, and no cross-site request can use their session.
    client = Client()
    client.force_login(cycle.performance)
    response = client.get("/api/plans")
    _refused(response)


def test_a_live_token_reads_as_its_account_and_each_read_is_recorded(cycle):
    token = token_for(cycle.viewer, name="Power BI")
    client = ApiClient(token)
    assert client.get("/plans").status_code == 200
    assert client.get("/plans", {"limit": 5}).status_code == 200
    events = AuditEvent.objects.filter(kind=AuditKind.API).order_by("pk")
    assert [e.message for e in events] == [
        "Power BI read /api/plans",
        "Power BI read /api/plans?limit=5",
    ]
    assert {e.user for e in events} == {cycle.viewer}
    record = ApiToken.objects.get()
    assert record.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(cycle, django_assert_num_queries):
    client = ApiClient(token_for(cycle.viewer))
    client.get("/plans")
    first = ApiToken.objects.get().last_used_at
    client.get("/plans")
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=timezone.now() - dt.timedelta(minutes=2))
    client.get("/plans")
    assert ApiToken.objects.get().last_used_at > first


def test_a_revoked_token_is_refused_from_then_on(cycle):
    token = token_for(cycle.viewer)
    client = ApiClient(token)
    assert client.get("/plans").status_code == 200
    api_token_revoke(cycle.admin, ApiToken.objects.get())
    _refused(client.get("/plans"))


def test_a_token_of_a_deactivated_account_is_refused(cycle):
    client = ApiClient(token_for(cycle.viewer))
    cycle.viewer.is_active = False
    cycle.viewer.save()
    _refused(client.get("/plans"))


def test_the_token_is_stored_only_as_its_hash(cycle):
    token = token_for(cycle.viewer)
    record = ApiToken.objects.get()
    assert record.key_hash == hash_token(token)
    assert token not in {str(v) for v in ApiToken.objects.values().get().values()}
    assert record.key_prefix == token[:12]


def test_openapi_description_is_served_without_a_token_and_lists_every_path(cycle):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/plans",
        "/api/plans/{slug}",
        "/api/periods",
        "/api/outcomes",
        "/api/themes",
        "/api/deliverables",
        "/api/actions",
        "/api/updates",
        "/api/reports",
        "/api/reports/{report_id}",
        "/api/indicators",
    }
    for path, methods in schema["paths"].items():
        assert set(methods) == {"get"}, path
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_there_is_no_swagger_page(cycle):
    assert Client().get("/api/docs").status_code == 404


def _api_paths() -> list[str]:
    """Every URL under /api/, from the resolver, with sample arguments."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif (
                isinstance(pattern, URLPattern)
                and route.startswith("api/")
                and "<path:" not in route  # the JSON 404 for any other address
            ):
                found.append("/" + re.sub(r"<(\w+:)?(\w+)>", "1", route))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_write_method_on_every_path_is_refused(cycle, method):
    paths = _api_paths()
    assert len(paths) >= 11  # the ten endpoints and the description
    token = token_for(cycle.performance)
    for signed in (True, False):
        client = Client(enforce_csrf_checks=True)
        headers = {"Authorization": f"Bearer {token}"} if signed else {}
        for path in paths:
            response = getattr(client, method)(path, headers=headers)
            assert response.status_code in (401, 405), (method, path, response.status_code)
            if signed:
                assert response.status_code == 405, (method, path)


def test_every_endpoint_refuses_a_visitor_without_a_token(cycle):
    for path in _api_paths():
        if path.endswith("openapi.json") or path == "/api/":
            continue
        _refused(Client().get(path))


def test_an_id_too_large_for_the_database_is_not_found(cycle):
    client = ApiClient(token_for(cycle.performance))
    assert client.get(f"/reports/{10**30 - 1}").status_code == 404
    assert client.get(f"/reports/{2**63 - 1}").status_code == 404
