"""The API's tests: a token for any user, and a world with every kind of update."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from api.models import ApiToken, hash_token, new_token
from reports.models import ExceptionReport
from reports.services import report_publish
from tests import factories

DRAFT_TEXT = "Draft words nobody else may read"
SUBMITTED_TEXT = "Submitted words awaiting approval"
APPROVED_TEXT = "Commentary for CH6"


def token_for(user, name: str = "Test system") -> str:
    """A live token acting as `user` (the API's tests act as the role fixtures' users)."""
    token = new_token()
    ApiToken.objects.create(name=name, user=user, key_hash=hash_token(token), key_prefix=token[:12])
    return token


class ApiClient:
    """GET the API with a token, as another system would."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.token = token

    def get(self, path: str, data: dict | None = None, **extra):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.get(f"/api{path}", data or {}, headers=headers, **extra)

    def json(self, path: str, data: dict | None = None) -> dict:
        response = self.get(path, data)
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def as_reader(users):
    """as_reader("viewer") -> an ApiClient acting as that role's user."""

    def make(name: str) -> ApiClient:
        return ApiClient(token_for(users[name], name=f"{name} system"))

    return make


@pytest.fixture
def world(cycle):
    """The cycle, with Q4 holding a draft (CH6), a submitted update (CH5) and an approved one
    (PH5), and Q3's exception report published (a draft of Q4's besides)."""
    factories.update(cycle.ch6, cycle.q4, "On Track", DRAFT_TEXT, state="draft", source="entered")
    factories.update(
        cycle.ch5, cycle.q4, "Delayed", SUBMITTED_TEXT, state="submitted", source="entered"
    )
    factories.update(cycle.f1, cycle.q4, "On Track", "F1 approved words", state="approved")
    report = ExceptionReport.objects.create(plan=cycle.plan, period=cycle.q3)
    report_publish(cycle.performance, report)
    draft = ExceptionReport.objects.create(plan=cycle.plan, period=cycle.q4)
    return SimpleNamespace(**vars(cycle), report=report, draft=draft)
