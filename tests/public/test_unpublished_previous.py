"""A published quarter's open data and indicators show nothing of an unpublished quarter.

Each action's previous status and movement, and an indicator's previous and last year's
figures, come from another quarter: they are shown only when that quarter is published too
(public.rules.public_previous and public_readings). A Q2 closed but never published leaves Q3's
previous status blank and its movement "no update to compare"."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from tests import factories
from tests.public.test_pages import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def q2_unpublished(world):  # noqa: F811
    """Q2 is closed but NOT published; CH6 has an approved Q2 status of Delayed."""
    factories.update(world.cycle.ch6, world.q2, "Delayed", "Q2 UNPUBLISHED WORDS")
    return world


def _ch6_csv(client, w) -> dict:
    body = client.get(reverse("public:data_csv", args=[w.plan.slug, w.q3.code])).content
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    return next(r for r in rows if r["Action reference"] == "CH6")


def test_csv_does_not_publish_the_status_of_an_unpublished_previous_quarter(client, q2_unpublished):
    assert q2_unpublished.q2.state == "closed"  # not published: not public
    row = _ch6_csv(client, q2_unpublished)
    assert row["Previous status"] == "", (
        f"Q2 is not published, yet Q3's CSV publishes CH6's Q2 status: {row['Previous status']!r}"
    )


def test_json_does_not_publish_the_status_of_an_unpublished_previous_quarter(
    client, q2_unpublished
):
    w = q2_unpublished
    data = json.loads(
        client.get(reverse("public:data_json", args=[w.plan.slug, w.q3.code])).content
    )
    ch6 = next(a for a in data["actions"] if a["action_ref"] == "CH6")
    assert ch6["previous_status"] == ""
    assert ch6["movement"] not in ("improved", "worsened", "stayed the same")


def test_indicators_do_not_publish_the_figure_of_an_unpublished_previous_quarter(
    client,
    world,  # noqa: F811
):
    """The same leak through the indicators: Q3's public indicators CSV and period page carry
    the 'Previous period' figure of Q2, which is closed but not published."""
    indicator = factories.indicator(world.plan, "KPI1", "Homes built", target=100)
    factories.indicator_value(indicator, 2023, 2, "777.7", "Q2 KPI WORDS")  # Q2: unpublished
    factories.indicator_value(indicator, 2023, 3, "50", "Q3 KPI WORDS")  # Q3: published
    slug, code = world.plan.slug, world.q3.code
    text = client.get(reverse("public:indicators_csv", args=[slug, code])).content.decode(
        "utf-8-sig"
    )
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["Code"] == "KPI1")
    assert row["Value"] == "50"
    assert (row["Previous period"], row["Direction since previous period"]) == (
        "",
        "No comparison",
    ), f"Q2 is not published, yet Q3's indicators CSV shows its figure: {row['Previous period']!r}"
