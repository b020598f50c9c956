"""The import pages, the import_tracker command, the export back, and admin import/export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from deliverables.models import Action, ImportRecord, QuarterlyUpdate
from deliverables.tracker.export import export_quarter
from plans.models import Plan
from tests import factories
from tests.conftest import in_order
from tests.deliverables.test_import import CORPORATE, COUNCIL, sandwell_plan

pytestmark = pytest.mark.django_db


def upload(client, plan: Plan, path: Path = COUNCIL, period: str = "2024-25-Q2", **extra):
    data = {
        "plan": plan.pk,
        "period": period,
        "file": SimpleUploadedFile(path.name, path.read_bytes()),
        **extra,
    }
    return client.post(reverse("deliverables:import_new"), data)


# -- pages ----------------------------------------------------------------------------------


def test_upload_preview_confirm(admin_client):
    plan = sandwell_plan("council-plan-2024-30.json")
    assert admin_client.get(reverse("deliverables:import_new")).status_code == 200
    response = upload(admin_client, plan)
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "Check before importing" in page
    assert "What importing would do" in page and "Import now" in page
    assert not Action.objects.exists()  # nothing written by the preview

    response = admin_client.post(
        reverse("deliverables:import_apply", args=[record.pk]), follow=True
    )
    page = response.content.decode()
    assert "23 actions and 23 updates created" in page
    record.refresh_from_db()
    assert record.status == "applied" and record.content is None
    assert QuarterlyUpdate.objects.count() == 23
    assert record.file_name in admin_client.get(reverse("deliverables:imports")).content.decode()


def test_the_quarter_may_be_typed_as_the_pages_write_it(admin_client):
    plan = sandwell_plan("council-plan-2024-30.json")
    page = admin_client.get(reverse("deliverables:import_new")).content.decode()
    assert "Written Q3 2023/24, 2023/24 Q3 or 2023-24-Q3" in page
    response = upload(admin_client, plan, period="Q2 2024/25")
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert (record.period_code, record.status) == ("2024-25-Q2", "previewed")


def test_a_changed_plan_between_preview_and_confirm_shows_the_new_preview(admin_client):
    plan = sandwell_plan("council-plan-2024-30.json")
    upload(admin_client, plan)
    record = ImportRecord.objects.get()
    # Someone else imports the same file first.
    factories_record = ImportRecord.objects.create(
        plan=plan,
        period_code="2024-25-Q2",
        file_name="x",
        file_sha256="0",
        file_size=1,
        status="applied",
    )
    assert factories_record.pk
    from deliverables.tracker.services import tracker_import

    tracker_import(None, plan, "2024-25-Q2", COUNCIL.read_bytes(), COUNCIL.name)
    response = admin_client.post(
        reverse("deliverables:import_apply", args=[record.pk]), follow=True
    )
    assert "The plan changed after this preview was made" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "previewed"
    assert record.summary["created"]["updates"] == 0  # the new preview
    assert QuarterlyUpdate.objects.count() == 23


def test_cancel_discards_the_file(admin_client):
    plan = sandwell_plan("council-plan-2024-30.json")
    upload(admin_client, plan)
    record = ImportRecord.objects.get()
    admin_client.post(reverse("deliverables:import_cancel", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.content) == ("cancelled", None)
    response = admin_client.post(
        reverse("deliverables:import_apply", args=[record.pk]), follow=True
    )
    assert "nothing to do" in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("period", "name", "content", "message"),
    [
        ("2024-25-Q9", "t.xlsx", None, "is not a quarter"),
        ("2024/26 Q2", "t.xlsx", None, "write it like 2024-25-Q1, Q1 2024/25 or 2024/25 Q1"),
        ("", "t.xlsx", None, "Enter the quarter the tracker reports"),
        ("2024-25-Q2", "report.pdf", b"%PDF-1.7", "is not a spreadsheet this service reads"),
        ("2024-25-Q2", "t.xlsm", None, "macro-enabled"),
    ],
)
def test_an_invalid_upload_says_what_is_wrong(admin_client, period, name, content, message):
    plan = sandwell_plan("council-plan-2024-30.json")
    data = {
        "plan": plan.pk,
        "period": period,
        "file": SimpleUploadedFile(name, content if content is not None else COUNCIL.read_bytes()),
    }
    response = admin_client.post(reverse("deliverables:import_new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not Action.objects.exists()


def test_only_administrators_import(client, users):
    plan = sandwell_plan("council-plan-2024-30.json")
    record = ImportRecord.objects.create(
        plan=plan,
        period_code="2024-25-Q2",
        file_name="t.xlsx",
        file_sha256="0",
        file_size=1,
        status="previewed",
        content=COUNCIL.read_bytes(),
    )
    for name in ("performance", "officer", "approver", "viewer"):
        client.force_login(users[name])
        assert client.get(reverse("deliverables:imports")).status_code == 403
        assert client.get(reverse("deliverables:import_new")).status_code == 403
        assert upload(client, plan).status_code == 403
        assert client.get(record.get_absolute_url()).status_code == 403
        assert (
            client.post(reverse("deliverables:import_apply", args=[record.pk])).status_code == 403
        )
    assert not Action.objects.exists()


def test_confirming_is_post_only(admin_client):
    plan = sandwell_plan("council-plan-2024-30.json")
    upload(admin_client, plan)
    record = ImportRecord.objects.get()
    assert (
        admin_client.get(reverse("deliverables:import_apply", args=[record.pk])).status_code == 405
    )
    assert (
        admin_client.get(reverse("deliverables:import_cancel", args=[record.pk])).status_code == 405
    )


def test_the_import_log_query_count_is_fixed(admin_client, django_assert_num_queries):
    plan = sandwell_plan("council-plan-2024-30.json")

    def add(n):
        for index in range(n):
            ImportRecord.objects.create(
                plan=plan,
                period_code="2024-25-Q2",
                file_name=f"{index}.xlsx",
                file_sha256="0",
                file_size=1,
                status="refused",
            )

    add(3)
    with django_assert_num_queries(6) as first:
        admin_client.get(reverse("deliverables:imports"))
    add(20)
    with django_assert_num_queries(len(first.captured_queries)):
        admin_client.get(reverse("deliverables:imports"))


def test_the_preview_lists_what_it_would_create_skip_and_leave_out(admin_client):
    plan = sandwell_plan("council-plan-2024-30.json")
    upload(admin_client, plan)
    record = ImportRecord.objects.get()
    record.summary.update(
        {
            "quarters": {
                "2023-24-Q2": {"label": "Q2 2023/24", "created": 7, "updated": 1, "unchanged": 0},
                "2023-24-Q1": {"label": "Q1 2023/24", "created": 5, "updated": 0, "unchanged": 2},
            },
            "structure": {
                "outcomes": [],
                "themes": [{"name": "Homes", "outcome": "Quality Homes", "rows": [["Housing", 3]]}],
                "deliverables": [],
                "actions": [
                    {
                        "ref": "H9",
                        "title": "Retrofit tower blocks",
                        "rows": [["Housing", 4], ["Housing", 7], ["Adults", 2]],
                    }
                ],
                "milestones": [
                    {"action": "H9", "title": "Contractor appointed", "rows": [["Housing", 5]]}
                ],
            },
            "from_colour": [
                {
                    "sheet": "Housing",
                    "row": 4,
                    "colour": "#92D050",
                    "status": "On Track",
                    "exact": True,
                }
            ],
            "noise": [{"sheet": "Housing", "row": 30, "reason": "a totals row"}],
            "unused_columns": [
                {
                    "sheet": "Housing",
                    "index": 6,
                    "letter": "G",
                    "header": "Budget code",
                    "key": "budget code",
                    "meaning": "ignore",
                    "evidence": "",
                    "samples": ["BC-101"],
                }
            ],
            "hidden": [{"sheet": "Housing", "row": 12}, {"sheet": "Housing", "row": 13}],
        }
    )
    record.save(update_fields=["summary"])
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert in_order(page, "Updates by quarter", "Q1 2023/24", "Q2 2023/24")
    assert "What this import would create" in page
    assert "New themes (1)" in page and "under Quality Homes" in page
    assert (
        "Retrofit tower blocks" in page
        and "Sheet &#x27;Housing&#x27; rows 4, 7; sheet &#x27;Adults&#x27; row 2" in page
    )
    assert "New milestones (1)" in page and "Contractor appointed" in page
    assert "New outcomes" not in page  # nothing to create, no heading
    assert "Statuses read from a cell's colour (1)" in page and "#92D050" in page
    assert "Rows skipped as not data (1)" in page and "a totals row" in page
    assert "Columns not imported (1)" in page and "Budget code" in page and "BC-101" in page
    assert "Hidden rows" in page and "Sheet &#x27;Housing&#x27; rows 12, 13" in page
    assert in_order(
        page, "What each column means", "What importing would do", "Row by row", "Import now"
    )


def test_a_preview_with_nothing_to_create_says_so(admin_client):
    plan = sandwell_plan("council-plan-2024-30.json")
    upload(admin_client, plan)
    record = ImportRecord.objects.get()
    record.summary["structure"] = {"outcomes": [], "actions": []}
    record.save(update_fields=["summary"])
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "No new outcomes, themes, deliverables, actions or milestones: only updates." in page


def test_an_imported_record_shows_no_forms_to_change_it(admin_client):
    plan = sandwell_plan("council-plan-2024-30.json")
    upload(admin_client, plan)
    record = ImportRecord.objects.get()
    admin_client.post(reverse("deliverables:import_apply", args=[record.pk]))
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "What the import did" in page
    assert "What each column means" not in page and "Update the preview" not in page
    assert "Import now" not in page


# -- the command ----------------------------------------------------------------------------


def test_the_command_prints_json_with_created_updated_unchanged_and_errors():
    sandwell_plan("corporate-plan-2021-25.json")
    out = io.StringIO()
    call_command(
        "import_tracker",
        str(CORPORATE),
        "--plan",
        "corporate-plan-2021-25",
        "--period",
        "2023-24-Q3",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["created"] == {"outcomes": 0, "deliverables": 100, "actions": 219, "updates": 219}
    assert result["updated"] == {"outcomes": 0, "deliverables": 0, "actions": 0, "updates": 0}
    assert result["errors"] == []
    assert set(result["unchanged"]) == {"outcomes", "deliverables", "actions", "updates"}
    assert result["seconds"] > 0 and result["peak_memory_mb"] > 0 and result["rows_per_second"] > 0


def test_the_command_refusal_is_reported_with_exit_status_1(capsys):
    plan = factories.plan("county")
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_tracker",
            str(settings.BASE_DIR / "README.md"),
            "--plan",
            plan.slug,
            "--period",
            "2023-24-Q3",
            "--json",
        )
    assert exit_.value.code == 1
    assert json.loads(capsys.readouterr().out)["status"] == "refused"


def test_a_dry_run_from_the_command_writes_nothing():
    sandwell_plan("council-plan-2024-30.json")
    out = io.StringIO()
    call_command(
        "import_tracker",
        str(COUNCIL),
        "--plan",
        "council-plan-2024-30",
        "--period",
        "2024-25-Q2",
        "--dry-run",
        stdout=out,
    )
    assert "Would import" in out.getvalue()
    assert not Action.objects.exists()


def test_the_command_takes_the_quarter_as_the_pages_write_it():
    sandwell_plan("council-plan-2024-30.json")
    out = io.StringIO()
    call_command(
        "import_tracker",
        str(COUNCIL),
        "--plan",
        "council-plan-2024-30",
        "--period",
        "Q2 2024/25",
        "--dry-run",
        stdout=out,
    )
    assert "Would import" in out.getvalue()
    assert ImportRecord.objects.get().period_code == "2024-25-Q2"


def test_the_command_refuses_a_quarter_it_cannot_read_and_says_how_to_write_it(capsys):
    plan = factories.plan("county")
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_tracker",
            str(COUNCIL),
            "--plan",
            plan.slug,
            "--period",
            "Q2 2024/2026 (the second quarter)",
            "--json",
        )
    assert exit_.value.code == 1
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "refused"
    assert "write it like 2024-25-Q1, Q1 2024/25 or 2024/25 Q1" in result["message"]
    assert ImportRecord.objects.get().period_code == "Q2 2024/20"  # as typed, cut to fit


# -- export back ----------------------------------------------------------------------------


def test_an_exported_quarter_imports_back_to_the_same_data(admin_client):
    plan = sandwell_plan("corporate-plan-2021-25.json")
    from deliverables.tracker.services import tracker_import

    tracker_import(None, plan, "2023-24-Q3", CORPORATE.read_bytes(), CORPORATE.name)
    response = admin_client.get(
        reverse("deliverables:export_tracker", args=[plan.slug, "2023-24-Q3"])
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="corporate-plan-2021-25-2023-24-Q3.xlsx"'
    )
    record = tracker_import(None, plan, "2023-24-Q3", response.content, "export.xlsx")
    assert record.summary["created"] == {
        "outcomes": 0,
        "deliverables": 0,
        "actions": 0,
        "updates": 0,
    }
    assert record.summary["updated"] == {
        "outcomes": 0,
        "deliverables": 0,
        "actions": 0,
        "updates": 0,
    }
    assert record.summary["unchanged"]["updates"] == 219
    assert record.summary["errors"] == []


def test_the_export_has_the_councils_layout():
    plan = sandwell_plan("corporate-plan-2021-25.json")
    from deliverables.tracker.services import tracker_import

    tracker_import(None, plan, "2023-24-Q3", CORPORATE.read_bytes(), CORPORATE.name)
    book = openpyxl.load_workbook(io.BytesIO(export_quarter(plan.periods.get(), None)))
    assert book.sheetnames == [
        "Best Start",
        "Live Well Age Well",
        "Resilient Communities",
        "Quality Homes",
        "Connected Sandwell",
        "Inclusive Economy",
        "One Council One Team",
    ]
    sheet = book["Best Start"]
    assert sheet["A1"].value == "The Best Start in Life for Children and Young People"
    assert [c.value for c in sheet[3]][1:6] == [
        "CP Ref",
        "Deliverable",
        "BP Ref.",
        "Key deliverables (Directorate Action)",
        "Q3 Rating - RAG",
    ]
    assert any(str(r).startswith("B") and ":B" in str(r) for r in sheet.merged_cells.ranges)
    fills = {c.fill.fgColor.rgb[-6:] for c in sheet["F"][3:] if c.fill.fill_type == "solid"}
    assert {"92D050", "FFC000", "FF0000"} <= fills


def test_exported_text_that_starts_like_a_formula_is_escaped_and_reads_back(directorates):
    small = factories.small_plan(directorates)
    action = small.actions[0]
    Action.objects.filter(pk=action.pk).update(title='=HYPERLINK("http://evil","Click")')
    QuarterlyUpdate.objects.filter(action=action).update(commentary="+44 0121 569 2200")
    data = export_quarter(small.period, None)
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert '\'=HYPERLINK("http://evil","Click")' in values and "'+44 0121 569 2200" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    from deliverables.tracker.services import tracker_import

    record = tracker_import(None, small.plan, small.period.code, data, "export.xlsx")
    assert record.summary["created"]["actions"] == 0 and record.summary["updated"]["updates"] == 0


# -- admin import and export ----------------------------------------------------------------


def test_admin_export_escapes_formulae_and_imports_back(admin_client, small_plan):
    action = small_plan.actions[0]
    Action.objects.filter(pk=action.pk).update(title="=1+1", lead_role="@SUM(A1)")
    response = admin_client.post(
        reverse("admin:deliverables_action_export"),
        {
            "format": "0",
            "resource": "0",
            "actionresource_id": "on",
            "actionresource_title": "on",
            "actionresource_lead_role": "on",
        },
    )
    exported = response.content.decode()
    assert f"{action.pk},'=1+1,'@SUM(A1)" in exported
    from tablib import Dataset

    from deliverables.resources import ActionResource

    dataset = Dataset().load(exported, format="csv")
    ActionResource().import_data(dataset, dry_run=False)
    action.refresh_from_db()
    assert (action.title, action.lead_role) == ("=1+1", "@SUM(A1)")


def test_admin_import_needs_the_import_permission(client, users):
    client.force_login(users["performance"])  # staff, may change actions, may not import
    assert client.get(reverse("admin:deliverables_action_import")).status_code == 403
    client.force_login(users["admin"])
    assert client.get(reverse("admin:deliverables_action_import")).status_code == 200


def test_admin_import_of_updates_follows_the_quarterly_rules(small_plan):
    from tablib import Dataset

    from deliverables.resources import QuarterlyUpdateResource

    update = small_plan.actions[0].updates.get()  # Q3, closed
    dataset = Dataset(headers=["action", "period", "status", "commentary"])
    dataset.append([update.action_id, update.period_id, update.status_id, "Rewritten"])
    result = QuarterlyUpdateResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors() or result.has_errors()
    update.refresh_from_db()
    assert update.commentary == "Commentary for CH6"

    open_quarter = factories.period(small_plan.plan, "2023-24-Q4", state="open")
    dataset = Dataset(headers=["action", "period", "status", "commentary"])
    dataset.append([update.action_id, open_quarter.pk, update.status_id, "<script>x()</script>New"])
    result = QuarterlyUpdateResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    created = QuarterlyUpdate.objects.get(period=open_quarter)
    assert (created.commentary, created.state, created.source) == ("New", "approved", "imported")
