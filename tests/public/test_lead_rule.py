"""Who leads an action, as the public may be told, is one rule (public.rules.public_lead): with
names published, the outcome page, the CSV and the JSON name the same lead the same way."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from public.rules import public_lead
from tests.public.test_pages import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_files_name_the_lead_as_the_public_pages_do(client, world, settings):  # noqa: F811
    settings.PUBLIC_SHOW_OFFICER_NAMES = True
    ch6 = world.cycle.ch6
    ch6.refresh_from_db()
    on_page = public_lead(ch6)
    assert on_page == "Olu Officer, Director of Children's Services"
    page = client.get(
        reverse(
            "public:outcome", args=[world.plan.slug, world.q3.code, ch6.placements.get().outcome_id]
        )
    ).content.decode()
    assert "Olu Officer, Director of Children&#x27;s Services" in page

    body = client.get(reverse("public:data_csv", args=[world.plan.slug, world.q3.code])).content
    row = next(
        r
        for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        if r["Action reference"] == "CH6"
    )
    data = json.loads(
        client.get(reverse("public:data_json", args=[world.plan.slug, world.q3.code])).content
    )
    in_json = next(a for a in data["actions"] if a["action_ref"] == "CH6")["lead"]
    assert (row["Lead"], in_json) == (on_page, on_page)
