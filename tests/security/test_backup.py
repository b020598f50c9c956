"""Backup and restore: a round trip keeps every plan, update and history row."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from deliverables import services
from deliverables.models import Action, QuarterlyUpdate
from plans.models import AuditEvent, Plan, ReportingPeriod, Status, User
from reports.models import ExceptionReport
from reports.services import report_publish, report_start

SKIPPED_APPS = {"contenttypes", "sessions", "axes", "admin"}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in SKIPPED_APPS and model._meta.label != "auth.Permission"
    }


# Django's JSON format keeps times to the millisecond: 04.000123 is written "04.000" and,
# restored as 04.000000, is written back as "04". The same instant; spell it one way.
WHOLE_SECOND = re.compile(r'(T\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)"')


def dump(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = json.loads(WHOLE_SECOND.sub(r'\1\2"', handle.read()))
    return sorted(rows, key=lambda row: (row["model"], json.dumps(row, sort_keys=True)))


@pytest.fixture
def busy_sandwell(sandwell):
    """Sandwell's plans after a quarter of work: updates saved and approved, a report out."""
    plan = Plan.objects.get(slug="corporate-plan-2021-25")
    quarter = ReportingPeriod.objects.get(plan=plan, state="open")
    officer = User.objects.get(username="officer.ch")
    # officer.ch leads actions in every plan: these are the corporate plan's
    approver = Action.objects.filter(plan=plan, lead_officer=officer).first().approver
    delayed = Status.objects.get(scale__plan=plan, label="Significant issues/risks/slippage")
    for action in Action.objects.filter(plan=plan, lead_officer=officer)[:3]:
        update = services.update_save(
            officer,
            action,
            quarter,
            status=delayed,
            commentary="Behind — see note",
            expected_version=0,
            submit=True,
        )
        services.update_approve(approver, update, expected_version=update.version)
    performance = User.objects.get(username="performance")
    previous = ReportingPeriod.objects.get(plan=plan, state="closed", year=2023, quarter=3)
    report_publish(performance, report_start(performance, previous))
    # A time less than a millisecond past the second (one in a thousand, by chance).
    AuditEvent.objects.filter(pk=AuditEvent.objects.first().pk).update(
        created_at=dt.datetime(2026, 11, 22, 18, 37, 4, 123, tzinfo=dt.UTC)
    )
    return plan


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_into_an_empty_database(busy_sandwell, tmp_path):
    before = row_counts()
    assert before["plans.Plan"] >= 2
    assert before["deliverables.QuarterlyUpdate"] > 200
    assert before["deliverables.HistoricalQuarterlyUpdate"] > before["deliverables.QuarterlyUpdate"]
    assert before["reports.ExceptionReport"] == 1
    assert before["plans.AuditEvent"] >= 1
    backup = tmp_path / "backup.json.gz"
    out = io.StringIO()
    call_command("backup", str(backup), stdout=out)
    assert f"Backed up to {backup}" in out.getvalue()

    # Not over live data.
    with pytest.raises(CommandError, match="already holds plans or users"):
        call_command("restore", str(backup))

    call_command("flush", interactive=False, verbosity=0)
    assert Plan.objects.count() == 0 and QuarterlyUpdate.objects.count() == 0
    out = io.StringIO()
    call_command("restore", str(backup), stdout=out)
    assert "Restored" in out.getvalue()

    assert row_counts() == before
    again = tmp_path / "again.json.gz"
    call_command("backup", str(again), stdout=io.StringIO())
    assert dump(again) == dump(backup)
    # The restored service works: the published report's frozen figures, the history.
    report = ExceptionReport.objects.get()
    assert report.is_published and report.snapshot["sections"]
    officer = User.objects.get(username="officer.ch")
    assert officer.check_password("sandwell-demo-2026")
    saved = QuarterlyUpdate.objects.filter(commentary="Behind — see note", state="approved")
    assert saved.count() == 3
    assert all(u.history.count() >= 2 for u in saved)
    assert AuditEvent.objects.filter(kind="report_published").exists()


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_loads_nothing(busy_sandwell, tmp_path):
    backup = tmp_path / "backup.json.gz"
    call_command("backup", str(backup), stdout=io.StringIO())
    data = gzip.decompress(backup.read_bytes())
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(gzip.compress(data[: len(data) * 2 // 3]))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="could not be restored, so nothing was loaded"):
        call_command("restore", str(damaged))
    assert Plan.objects.count() == 0 and User.objects.count() == 0


def test_a_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "backup.json.gz"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(CommandError, match="Name the file with one of"):
        call_command("backup", str(tmp_path / "backup.zip"))
