"""A new plan from a tracker file: proposed from the file (levels from the mapped columns, a
status scale from the status words), previewed with nothing written, made with its import in
one transaction on confirm."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from deliverables.models import Action, ImportRecord, QuarterlyUpdate
from deliverables.tracker.meanings import Mapping
from deliverables.tracker.revise import tracker_remap
from deliverables.tracker.services import tracker_apply
from deliverables.workflow import WorkflowError
from plans.models import Plan, Status, StrategicOutcome
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = ["Theme", "Workstream", "Ref", "Action", "RAG", "Progress update"]
ROWS = [
    ["Leadership", "Culture", "IP1", "Agree the values", "Green", "Agreed in May"],
    ["Leadership", "Culture", "IP2", "Run staff survey", "Amber", "Survey late"],
    ["Finance", "Budget", "IP3", "Close the gap", "Red", "Gap of £5m remains"],
    ["Finance", "Budget", "IP4", "Publish accounts", "Complete", "Published"],
]


def improvement_plan() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Improvement Plan"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, name="Improvement Plan 2022", plan="", data=None):
    return client.post(
        reverse("deliverables:import_new"),
        {
            "plan": plan,
            "new_plan_name": name,
            "period": "Q1 2022/23",
            "file": io.BytesIO(data or improvement_plan()) | _named("improvement.xlsx"),
        },
    )


class _named:
    def __init__(self, name):
        self.name = name

    def __ror__(self, stream):
        stream.name = self.name
        return stream


def mapped(record, users) -> ImportRecord:
    """Theme is the outcome level, Workstream the theme level, as an administrator maps."""
    mapping = Mapping(columns={"theme": "outcome", "workstream": "theme"})
    return tracker_remap(users["admin"], record, mapping)


def test_the_preview_proposes_the_plan_and_writes_nothing(admin_client, users):
    plans = Plan.objects.count()
    response = upload(admin_client)
    assert response.status_code == 302
    record = ImportRecord.objects.get()
    assert record.plan is None and record.status == "previewed"
    assert Plan.objects.count() == plans and not Status.objects.filter(label="Amber").exists()
    record = mapped(record, users)
    assert Plan.objects.count() == plans and not StrategicOutcome.objects.exists()
    spec = record.new_plan
    assert (spec["plan"]["outcome_label"], spec["plan"]["theme_label"]) == ("Theme", "Workstream")
    scale = {
        s["label"]: (s["rag"], s.get("closes_action"), s.get("is_exception"))
        for s in spec["scale"]["statuses"]
    }
    assert scale["Green"][0] == "green" and scale["Amber"][0] == "amber"
    assert scale["Red"] == ("red", False, True) and scale["Complete"][:2] == ("blue", True)
    assert "No Update" in scale
    assert record.summary["created"] == {
        "outcomes": 2,
        "deliverables": 0,
        "actions": 4,
        "updates": 4,
    }
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "The new plan this import would make" in page
    assert "Theme › Workstream" in page and "Improvement Plan 2022 (new plan)" in page


def test_confirming_makes_the_plan_and_imports_into_it_in_one_go(admin_client, users):
    upload(admin_client)
    record = mapped(ImportRecord.objects.get(), users)
    response = admin_client.post(reverse("deliverables:import_apply", args=[record.pk]))
    assert response.status_code == 302
    plan = Plan.objects.get(name="Improvement Plan 2022")
    record.refresh_from_db()
    assert record.plan == plan and record.status == "applied"
    assert plan.outcome_label == "Theme" and plan.theme_label == "Workstream"
    assert sorted(plan.outcomes.values_list("name", flat=True)) == ["Finance", "Leadership"]
    assert Action.objects.filter(plan=plan).count() == 4
    statuses = dict(
        QuarterlyUpdate.objects.filter(action__plan=plan).values_list(
            "action__ref", "status__label"
        )
    )
    assert statuses == {"IP1": "Green", "IP2": "Amber", "IP3": "Red", "IP4": "Complete"}
    assert plan.periods.get().code == "2022-23-Q1"


def test_a_plan_made_meanwhile_with_that_name_stops_the_confirm(admin_client, users):
    upload(admin_client)
    record = mapped(ImportRecord.objects.get(), users)
    factories.plan("improvement-plan-2022", name="Improvement Plan 2022")
    response = admin_client.post(
        reverse("deliverables:import_apply", args=[record.pk]), follow=True
    )
    assert "was made meanwhile" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "previewed" and record.plan is None
    assert not Action.objects.exists() and not StrategicOutcome.objects.exists()


def test_a_failure_while_writing_makes_no_plan(admin_client, users, monkeypatch):
    upload(admin_client)
    record = mapped(ImportRecord.objects.get(), users)
    from deliverables.tracker import preview as preview_module

    def fail(*args, **kwargs):
        raise preview_module.transaction.DatabaseError("disk full")

    monkeypatch.setattr(preview_module.ImportPreview, "apply", fail)
    with pytest.raises(WorkflowError, match="disk full"):
        tracker_apply(users["admin"], record)
    assert not Plan.objects.filter(name="Improvement Plan 2022").exists()
    assert not Action.objects.exists()


def test_the_upload_form_asks_for_a_plan_or_a_new_name(admin_client, users):
    response = upload(admin_client, name="")
    assert response.status_code == 400
    assert (
        "Choose the plan the tracker reports on, or name the new plan" in response.content.decode()
    )
    existing = factories.plan("housing", name="Housing")
    response = upload(admin_client, name="Housing")
    assert response.status_code == 400
    assert "There is already a plan called Housing" in response.content.decode()
    response = upload(admin_client, name="Another", plan=existing.pk)
    assert response.status_code == 400
    assert "clear the new plan" in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_outsiders_cannot_make_a_plan_from_a_file(client, users):
    client.force_login(users["officer"])
    assert upload(client).status_code == 403
    assert not ImportRecord.objects.exists()


def test_a_new_plans_file_read_as_another_quarters_is_remapped_then_imported(admin_client, users):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Theme", "Ref", "Action", "RAG", "April 2023 update"])
    sheet.append(["Leadership", "IP1", "Agree the values", "Green", "Agreed in March"])
    out = io.BytesIO()
    book.save(out)
    response = admin_client.post(
        reverse("deliverables:import_new"),
        {
            "plan": "",
            "new_plan_name": "Improvement Plan 2022",
            "period": "Q4 2022/23",
            "file": io.BytesIO(out.getvalue()) | _named("year-end.xlsx"),
        },
    )
    assert response.status_code == 302
    record = ImportRecord.objects.get()
    assert record.status == "previewed" and "read as Q1's" in record.summary["refusal"]
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "Cannot be imported as read" in page and "Import now" not in page
    mapping = Mapping(
        columns={"theme": "outcome", "rag": "q4_status", "april 2023 update": "q4_commentary"}
    )
    record = tracker_remap(users["admin"], record, mapping)
    assert not record.summary.get("refusal") and record.summary["created"]["updates"] == 1
    tracker_apply(users["admin"], record)
    update = QuarterlyUpdate.objects.get(action__plan__name="Improvement Plan 2022")
    assert (update.period.code, update.commentary) == ("2022-23-Q4", "Agreed in March")
