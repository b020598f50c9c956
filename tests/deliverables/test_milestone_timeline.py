"""The timeline of an outcome's or a theme's milestones: bars, points, today, and the table."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.urls import reverse

from deliverables.milestone_reads import with_state
from deliverables.models import ActionPlacement, Milestone
from deliverables.timeline import build_timeline
from plans.models import Theme
from tests import factories

D = dt.date


def made(action, title, start=None, due=None, note="", completed=None):
    return Milestone.objects.create(
        action=action,
        title=title,
        start_date=start,
        due_date=due,
        date_note=note,
        completed_on=completed,
    )


def test_bars_points_and_today_are_placed_by_date():
    class M:
        def __init__(self, title, start, due, note=""):
            self.title, self.start_date, self.due_date = title, start, due
            self.completed_on, self.date_note = None, note
            self.complete_as_written = False
            self.action = types.SimpleNamespace(completed_in_id=None)

    rows = [
        with_state(M("Span", D(2022, 5, 1), D(2022, 7, 31)), D(2022, 6, 15)),
        with_state(M("Day", None, D(2022, 6, 22)), D(2022, 6, 15)),
        with_state(M("Later", None, None, "TBC"), D(2022, 6, 15)),
    ]
    chart = build_timeline("t", "Title", rows, D(2022, 6, 15))
    span, point = chart.bars
    assert span.x == 0 and 0 < span.width < 1000 and not span.is_point
    assert point.is_point and span.x < point.x < span.x + span.width
    assert span.x < chart.today_x < point.x  # 15 June, before 22 June
    assert [m.title for m in chart.undated] == ["Later"]
    assert [t.label for t in chart.ticks] == ["May 2022", "Jun 2022", "Jul 2022"]
    assert chart.summary.startswith("3 milestones: 1 not started, 2 in progress; 1 with no")


@pytest.fixture
def timeline_plan(cycle):
    """CH6 under a theme ("workstream") of the first outcome, with dated and undated
    milestones."""
    outcome = cycle.plan.outcomes.order_by("order").first()
    theme = Theme.objects.create(outcome=outcome, name="Organisational Culture")
    ActionPlacement.objects.create(action=cycle.ch5, outcome=outcome, theme=theme)
    ActionPlacement.objects.filter(action=cycle.ch5, deliverable__isnull=False).delete()
    made(cycle.ch5, "Phase 1 Engagement", D(2022, 5, 1), D(2022, 7, 31))
    made(cycle.ch5, "Values launch", None, D(2022, 6, 22), completed=D(2022, 6, 20))
    made(cycle.ch5, "Staff survey", note="Ongoing")
    made(cycle.ch6, "School places review", D(2022, 9, 1), D(2022, 11, 30))
    return outcome, theme


@pytest.mark.django_db
def test_an_outcome_s_timeline_draws_each_dated_milestone(client, cycle, timeline_plan):
    outcome, _ = timeline_plan
    client.force_login(cycle.viewer)
    body = client.get(outcome.get_absolute_url()).content.decode()
    url = reverse("deliverables:outcome_timeline", args=[cycle.plan.slug, outcome.pk])
    assert url in body
    response = client.get(url)
    body = response.content.decode()
    assert body.count("<rect") == 2 and body.count("<circle") == 1 and "Today" in body
    assert "Not drawn: no date" in body and "Staff survey (Ongoing)" in body
    assert "CH5: Phase 1 Engagement – Overdue" in body  # the state in words on the chart
    assert "1 May 2022 to 31 July 2022" in body and "20 June 2022" in body  # the table
    assert "<caption" in body and 'scope="row"' in body


@pytest.mark.django_db
def test_a_theme_s_timeline_holds_only_its_own_actions(client, cycle, timeline_plan):
    _, theme = timeline_plan
    client.force_login(cycle.viewer)
    outcome_page = client.get(theme.outcome.get_absolute_url()).content.decode()
    url = reverse("deliverables:theme_timeline", args=[cycle.plan.slug, theme.pk])
    assert url in outcome_page
    body = client.get(url).content.decode()
    assert "Phase 1 Engagement" in body and "School places review" not in body


@pytest.mark.django_db
def test_a_plan_without_milestones_has_no_timeline_links(client, cycle):
    client.force_login(cycle.viewer)
    outcome = cycle.plan.outcomes.first()
    assert "timeline" not in client.get(outcome.get_absolute_url()).content.decode()
    url = reverse("deliverables:outcome_timeline", args=[cycle.plan.slug, outcome.pk])
    assert "has milestones" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_timeline_of_another_plan_s_theme_is_not_found(client, cycle, directorates):
    other = factories.small_plan(directorates, slug="other")
    theme = Theme.objects.create(outcome=other.outcomes[0], name="Elsewhere")
    client.force_login(cycle.viewer)
    url = reverse("deliverables:theme_timeline", args=[cycle.plan.slug, theme.pk])
    assert client.get(url).status_code == 404
    assert client.post(url.replace(str(theme.pk), "1")).status_code in (404, 405)


@pytest.mark.django_db
def test_the_timeline_refuses_post(client, cycle):
    client.force_login(cycle.viewer)
    outcome = cycle.plan.outcomes.first()
    url = reverse("deliverables:outcome_timeline", args=[cycle.plan.slug, outcome.pk])
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_the_timeline_query_count_is_fixed(client, cycle, timeline_plan, django_assert_num_queries):
    outcome, _ = timeline_plan
    url = reverse("deliverables:outcome_timeline", args=[cycle.plan.slug, outcome.pk])
    client.force_login(cycle.viewer)
    with django_assert_num_queries(7) as first:
        client.get(url)
    for index in range(10):
        made(cycle.ch6, f"Step {index}", D(2023, 1, 1), D(2023, 3, 1 + index))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["milestones"]) == 14
