"""The council's choice about names is part of every public cache key: turning
PUBLIC_SHOW_OFFICER_NAMES off takes names off every cached page and file at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.public.test_pages import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _urls(w) -> list[str]:
    outcome = w.cycle.ch6.placements.get().outcome
    return [
        reverse("public:outcome", args=[w.plan.slug, w.q3.code, outcome.pk]),
        reverse("public:data_csv", args=[w.plan.slug, w.q3.code]),
        reverse("public:data_json", args=[w.plan.slug, w.q3.code]),
    ]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["outcome-page", "data.csv", "data.json"])
def test_names_are_gone_as_soon_as_the_council_stops_publishing_them(
    client,
    world,  # noqa: F811
    settings,
    index,
):
    url = _urls(world)[index]
    settings.PUBLIC_SHOW_OFFICER_NAMES = True
    assert "Olu Officer" in client.get(url).content.decode("utf-8-sig")  # cached now
    settings.PUBLIC_SHOW_OFFICER_NAMES = False  # the council's choice changes (a deploy)
    assert "Olu Officer" not in client.get(url).content.decode("utf-8-sig")
