"""The audit log: what is recorded, who can read it, and that typed input cannot forge a line."""

from __future__ import annotations

import logging

import openpyxl
import pytest
from django.urls import reverse

from deliverables.tracker.services import tracker_import
from plans.audit import escape_for_log
from plans.models import AuditEvent, AuditKind
from reports.services import report_start

FORGED = "officer\n2026-11-22 09:00:00 WARNING sandwell_perf.audit sign_in user=admin Signed in"


def audit_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "sandwell_perf.audit"]


def kinds() -> list[tuple[str, str]]:
    return list(AuditEvent.objects.order_by("pk").values_list("kind", "username"))


@pytest.mark.django_db
def test_quarter_open_close_and_reopen_are_recorded(client, cycle, users):
    client.force_login(users["performance"])
    base = [cycle.plan.slug, cycle.q4.code]
    client.post(reverse("deliverables:quarter_close", args=base), {})
    client.post(
        reverse("deliverables:quarter_transition", args=[*base, "reopen"]),
        {"reason": "CH5 was late\nfor a good reason"},
    )
    events = list(AuditEvent.objects.filter(kind=AuditKind.QUARTER).order_by("pk"))
    assert [e.message for e in events] == [
        "Test Plan Q4 2023/24 closed",
        "Test Plan Q4 2023/24 reopened: CH5 was late\nfor a good reason",
    ]
    assert {e.user for e in events} == {users["performance"]}


@pytest.mark.django_db
def test_imports_accepted_and_refused_are_recorded(cycle, users, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Action Ref", "Action", "RAG Status", "Update"])
    book.active.append(["CH6", "Every child has a good school place", "On Track", "Fine"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    tracker_import(users["admin"], cycle.plan, "2023-24-Q2", path.read_bytes(), "good.xlsx")
    tracker_import(users["admin"], cycle.plan, "2023-24-Q2", b"not a workbook", "bad\n.xlsx")
    events = list(AuditEvent.objects.filter(kind=AuditKind.IMPORT).order_by("pk"))
    assert len(events) == 2
    assert "good.xlsx" in events[0].message
    assert events[1].message.startswith("Refused bad")
    assert {e.username for e in events} == {"administrator"}


@pytest.mark.django_db
def test_publishing_a_report_is_recorded(client, cycle, users):
    report = report_start(users["performance"], cycle.q3)
    client.force_login(users["performance"])
    response = client.post(reverse("reports:report_publish", args=[report.pk]))
    assert response.status_code == 302
    [event] = AuditEvent.objects.filter(kind=AuditKind.REPORT_PUBLISHED)
    assert event.user == users["performance"] and "Q3 2023/24" in event.message


@pytest.mark.django_db
def test_a_permission_denial_is_recorded_with_its_address(client, cycle, users):
    client.force_login(users["viewer"])
    url = reverse("deliverables:quarter_close", args=[cycle.plan.slug, cycle.q4.code])
    assert client.post(url, REMOTE_ADDR="192.0.2.44").status_code == 403
    [event] = AuditEvent.objects.filter(kind=AuditKind.DENIED)
    assert (event.username, event.ip_address, event.path) == ("viewer", "192.0.2.44", url)


@pytest.mark.django_db
def test_only_administrators_read_the_audit_log(client, users):
    AuditEvent.objects.create(kind=AuditKind.SIGN_IN, username="someone", message="Signed in")
    url = reverse("admin:plans_auditevent_changelist")
    client.force_login(users["admin"])
    assert "someone" in client.get(url).content.decode()
    # Read-only, even for administrators.
    event = AuditEvent.objects.get(username="someone")
    change = client.get(reverse("admin:plans_auditevent_change", args=[event.pk]))
    assert 'name="_save"' not in change.content.decode()
    assert client.post(reverse("admin:plans_auditevent_delete", args=[event.pk])).status_code == 403
    client.force_login(users["performance"])  # staff, but not an administrator
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_a_user_name_with_a_newline_cannot_forge_a_log_line(client, users, caplog):
    caplog.set_level(logging.WARNING, logger="sandwell_perf.audit")
    client.post(reverse("login"), {"username": FORGED, "password": "wrong"})
    [line] = audit_lines(caplog)
    assert "\n" not in line and "\r" not in line
    assert line.startswith("sign_in_failed user=officer\\n2026-11-22")
    # The database keeps what was typed, for the administrator to see as typed.
    assert AuditEvent.objects.get().username == FORGED[:150]


@pytest.mark.django_db
def test_a_reason_or_path_cannot_forge_a_log_line(client, cycle, users, caplog):
    caplog.set_level(logging.WARNING, logger="sandwell_perf.audit")
    client.force_login(users["performance"])
    base = [cycle.plan.slug, cycle.q4.code]
    client.post(reverse("deliverables:quarter_close", args=base), {})
    client.post(
        reverse("deliverables:quarter_transition", args=[*base, "reopen"]),
        {"reason": "late\r\n2026-11-22 WARNING sandwell_perf.audit sign_in user=admin"},
    )
    client.force_login(users["viewer"])
    client.get("/plans/test-plan/quarters/%0Afake%20line/")
    for line in audit_lines(caplog):
        assert "\n" not in line and "\r" not in line, line


@pytest.mark.parametrize(
    "typed, logged",
    [
        ("plain name", "plain name"),
        ("two\nlines", "two\\nlines"),
        ("carriage\rreturn", "carriage\\rreturn"),
        ("escape \x1b[31mred", "escape \\x1b[31mred"),
        ("unicode line\u2028separator", "unicode line\\u2028separator"),
        ("naïve café", "naïve café"),
    ],
)
def test_log_escaping(typed, logged):
    assert escape_for_log(typed) == logged
