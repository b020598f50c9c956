"""Review of the long report's page by outcome (reports/report_pages.py, _report_paged.html)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reports import report_pages
from tests.reports.test_report_pages import _report


@pytest.mark.django_db
def test_each_part_of_a_long_report_has_its_own_page_title(
    client, users, directorates, monkeypatch
):
    """What the user sees: a screen-reader user moving between the parts of a long report
    (?outcome=...) hears the same <title> ("Exception report, Q3 2023/24 (draft) - plan") on
    every part, so browser history, tabs and the announcement on load do not say which part
    is open (WCAG 2.4.2; the GOV.UK pagination guidance puts the page's number in the title).
    Fix: in report_detail.html's title block, when `paged`, add the part, e.g.
    "Outcome 1 (part 2 of 4) - Exception report, Q3 2023/24 - plan".
    """
    monkeypatch.setattr(report_pages, "PAGE_BY_OUTCOME_FROM", 10)
    report = _report(users, directorates, 3)
    outcomes = list(report.plan.outcomes.order_by("order"))
    client.force_login(users["performance"])
    url = reverse("reports:report", args=[report.pk])
    titles = set()
    for asked in [outcomes[0].pk, outcomes[1].pk, "no-update"]:
        page = client.get(url, {"outcome": asked}).content.decode()
        titles.add(re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip())
    assert len(titles) == 3, titles
