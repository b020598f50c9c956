"""The register's typed filters, its search and the suggestions given input they do not expect,
and the search never finding an action by words the reader may not read (on PostgreSQL through
full text too)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["deliverable", "lead_officer"])
@pytest.mark.parametrize("value", ["²", "³4"])
def test_a_typed_filter_of_non_ascii_digits_is_not_a_server_error(client, cycle, field, value):
    # reports.choices._by_id takes str.isdigit() for "an id": superscripts and other scripts'
    # digits are isdigit() but int() refuses some of them ("²"), so the register answers 500.
    client.force_login(cycle.viewer)
    url = reverse("reports:register", args=[cycle.plan.slug])
    response = client.get(url, {"period": cycle.q3.code, field: value})
    assert response.status_code == 200


@pytest.mark.parametrize("words", ["restructuring", "restructure", "restructured transport"])
def test_the_search_does_not_find_an_action_by_commentary_the_reader_may_not_read(
    client, cycle, words
):
    factories.update(
        cycle.f1,
        cycle.q4,
        "On Track",
        "Confidential restructuring of school transport",
        state="submitted",
        source="entered",
    )
    url = reverse("reports:register", args=[cycle.plan.slug])
    client.force_login(cycle.performance)  # may read it: found (the control)
    seen = client.get(url, {"period": cycle.q4.code, "q": "restructuring"}).content.decode()
    assert cycle.f1.title in seen
    client.force_login(cycle.viewer)
    page = client.get(url, {"period": cycle.q4.code, "q": words}).content.decode()
    assert cycle.f1.title not in page


@pytest.mark.parametrize("field", ["deliverable", "lead_officer"])
def test_the_autocomplete_answers_a_nul_character_without_a_server_error(client, cycle, field):
    # The register's own box refuses NUL (forms.CharField's validator); the JSON endpoint
    # passes request.GET["q"] straight to the query, and PostgreSQL refuses NUL in text: 500.
    client.force_login(cycle.viewer)
    url = reverse("reports:register_choices", args=[cycle.plan.slug])
    response = client.get(url, {"field": field, "q": "CH\x006"})
    assert response.status_code in (200, 400)
