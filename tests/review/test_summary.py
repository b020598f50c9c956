"""Review of the summary layout (reports/summary.py, templates/reports/_report_summary.html)."""

from __future__ import annotations

import re

import pytest

from plans.models import StrategicOutcome
from reports import summary
from reports.builder import build_report
from reports.services import report_edit, report_start
from tests import factories


def _text(markup: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


@pytest.fixture
def report(users, directorates):
    plan = factories.plan("sumrev")
    quarter = factories.period(plan, "2023-24-Q3")
    outcome = StrategicOutcome.objects.create(plan=plan, name="Outcome A", order=1)
    for n in range(4):
        action = factories.action(plan, f"A{n}", outcome=outcome, directorate=directorates["CH"])
        factories.update(action, quarter, "Delayed" if n % 2 else "On Track", f"Why {n}")
    return report_start(users["performance"], quarter)


@pytest.mark.django_db
def test_the_summary_keeps_the_councils_introduction_and_narratives(report, users):
    """What the user sees: the performance team writes the report's introduction and each
    outcome's narrative (the words Cabinet reads first) and publishes; the summary PDF, the
    file the page recommends for a long report, carries neither: _report_summary.html has its
    own cover without `data.introduction` and no `section.narrative`. The full PDF has both.
    Fix: include the introduction on the summary's cover and each outcome's narrative under
    its row (or a "Narratives" section), as the full report's _report_cover/_report_section do.
    """
    outcome = report.plan.outcomes.get()
    # report_edit saves and returns the edited report (it re-reads the row under a lock);
    # the fixture's object is stale.
    report = report_edit(
        users["performance"],
        report,
        introduction="Cabinet is asked to note the slippage in school places.",
        narratives={outcome.pk: "Outcome A slipped because of the contractor."},
        extra_statuses=[],
    )
    text = _text(summary.summary_html(build_report(report)))
    assert "Cabinet is asked to note the slippage in school places." in text
    assert "Outcome A slipped because of the contractor." in text


@pytest.mark.django_db
def test_the_summarys_directorate_tables_agree_for_an_action_under_no_outcome(report, directorates):
    """What the user sees: an action placed under no outcome (a placement removed, or an
    action created or imported without one) that is Delayed counts in the summary's "Actions
    by status and directorate" table (and the overview and the dashboard: 3 Delayed in
    Children's) but not in "Exceptions by directorate" (2), nor in the "N actions listed as
    exceptions" sentence, nor in the Excel appendix: the summary disagrees with itself and the
    exception is in no list anywhere. Fix: give ReportData a section (or appendix list) for
    actions under no outcome, or count directorate_counts from the same lines as the
    exceptions, so every count in the summary comes from one set of actions."""
    plan, quarter = report.plan, report.period
    loose = factories.action(plan, "LOOSE1", "Under no outcome", directorate=directorates["CH"])
    factories.update(loose, quarter, "Delayed", "Nobody placed me")
    data = build_report(report)
    context = summary.summary_context(data)
    delayed = next(s for s in data.statuses if s.label == "Delayed")
    name = directorates["CH"].name
    by_status = data.directorate_counts[name].get(str(delayed.id), 0)
    listed = dict(context["exceptions_by_directorate"]).get(name, 0)
    assert by_status == 3
    assert listed == by_status, (listed, by_status)
    assert data.exception_count == data.overview_counts.get(str(delayed.id), 0)


@pytest.mark.django_db
def test_the_published_summary_names_its_appendix_as_it_downloads_after_a_slug_change(
    client, report, users, django_capture_on_commit_callbacks
):
    """What the user sees: a published summary PDF says its full list is the Excel file
    "sumrev-2023-24-Q3-exception-report-v1.xlsx" (appendix_name reads the slug frozen in the
    snapshot), but once an administrator changes the plan's slug (admin, prepopulated and
    editable) the Excel download is named from the live slug (views_files._file_name), so the
    file the PDF names does not exist in the reader's downloads. Fix: name every file of a
    published version from the snapshot (data.plan_slug), in views_files._file_name and the
    public copy alike, so the name printed in the stored PDF stays true."""
    from reports.models import ReportFile
    from reports.recommendations import report_content
    from reports.services import report_publish
    from reports.summary import appendix_name
    from reports.views_files import _file_name

    with django_capture_on_commit_callbacks(execute=True):
        published = report_publish(users["performance"], report)
    plan = published.plan
    plan.slug = "sandwell-council-plan"
    plan.save(update_fields=["slug"])
    published.refresh_from_db()
    named_in_pdf = appendix_name(report_content(published))
    xlsx = ReportFile(report=published, fmt="xlsx", frozen=True)
    assert named_in_pdf == _file_name(published, xlsx)
