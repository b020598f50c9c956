"""send_reminders: who is reminded, when, of what, and never twice in a day."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from deliverables.models import ReminderLog
from tests import factories


def run(today: dt.date, *args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--today", today.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def emails(cycle):
    for user in (cycle.officer, cycle.approver, cycle.other_officer):
        user.email = f"{user.username}@example.org"
        user.save()
    return cycle


def days_before(cycle, days: int) -> dt.date:
    return cycle.q4.due_on - dt.timedelta(days=days)


@pytest.mark.django_db
def test_three_days_before_the_deadline_officers_hear_what_is_missing(emails, mailoutbox):
    cycle = emails
    factories.update(cycle.ph5, cycle.q4, "On Track", state="draft", source="entered")
    output = run(days_before(cycle, 3))
    to = {message.to[0]: message for message in mailoutbox}
    assert set(to) == {"officer@example.org"}  # PH5 is complete: its draft owes nothing
    body = to["officer@example.org"].body
    assert "Q4 2023/24 updates are due" in body and "(3 days left)" in body
    assert "CH6: Every child has a good school place (not started)" in body
    assert "/plans/test-plan/quarters/2023-24-Q4/actions/" in body
    assert "Reminders sent: 1 (1 to officers, 0 to approvers)" in output


@pytest.mark.django_db
def test_approvers_hear_about_updates_waiting_for_them(emails, mailoutbox):
    cycle = emails
    factories.update(cycle.ch6, cycle.q4, "On Track", state="submitted", source="entered")
    run(days_before(cycle, 1))
    to = {message.to[0]: message for message in mailoutbox}
    assert "1 update(s) waiting for your approval" in to["approver@example.org"].subject
    assert "CH6: Every child has a good school place" in to["approver@example.org"].body
    assert "CH6" not in to["officer@example.org"].body  # submitted: nothing left to do
    assert "CH5" in to["officer@example.org"].body


@pytest.mark.django_db
def test_after_the_deadline_returned_updates_are_chased(emails, mailoutbox):
    cycle = emails
    factories.update(cycle.ch6, cycle.q4, "On Track", state="returned", source="entered")
    factories.update(cycle.ch5, cycle.q4, "Delayed", "x", state="approved", source="entered")
    run(cycle.q4.due_on + dt.timedelta(days=3))
    [message] = mailoutbox
    assert "3 days overdue" in message.body
    assert "CH6: Every child has a good school place (returned to you)" in message.body
    assert "CH5" not in message.body


@pytest.mark.django_db
def test_no_reminders_on_other_days_or_for_closed_quarters(emails, mailoutbox):
    cycle = emails
    output = run(days_before(cycle, 5))
    assert mailoutbox == []
    assert "5 days to the deadline; not a reminder day" in output
    cycle.q4.state = "closed"
    cycle.q4.save()
    output = run(days_before(cycle, 3))
    assert mailoutbox == []
    assert "No open quarter has a deadline" in output


@pytest.mark.django_db
def test_nobody_gets_the_same_reminder_twice_in_one_day(emails, mailoutbox):
    cycle = emails
    today = days_before(cycle, 7)
    run(today)
    run(today)
    assert len(mailoutbox) == 1
    assert ReminderLog.objects.filter(user=cycle.officer, sent_on=today).count() == 1
    assert "already reminded today: 1" in run(today)
    # The next reminder day is a new day.
    run(days_before(cycle, 3))
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_dry_run_sends_nothing_and_says_who_would_hear(emails, mailoutbox):
    output = run(days_before(emails, 0), "--dry-run")
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()
    assert "would remind officer: 2 to update, 0 to approve" in output


@pytest.mark.django_db
def test_people_without_an_email_address_are_reported(emails, mailoutbox):
    emails.officer.email = ""
    emails.officer.save()
    output = run(days_before(emails, 0))
    assert mailoutbox == []
    assert "No email address for officer: not reminded." in output


@pytest.mark.django_db
def test_bad_arguments_are_explained(emails):
    with pytest.raises(CommandError, match="--today takes a date"):
        call_command("send_reminders", "--today", "next tuesday", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not a list of days"):
        call_command("send_reminders", "--before", "seven", stdout=io.StringIO())


@pytest.mark.django_db
def test_an_approver_named_on_an_action_is_reminded_of_it_outside_their_directorates(cycle):
    from deliverables.reminders import reminders_due
    from tests.deliverables.conftest import submit_update

    named = factories.user("named-approver", "Approver", [cycle.ph5.directorate])
    cycle.ch6.approver = named
    cycle.ch6.save()
    submit_update(cycle, cycle.ch6, "On Track", "Fine")
    due = {r.user.username: r for r in reminders_due(cycle.q4)}
    assert [u.action.ref for u in due["named-approver"].to_approve] == ["CH6"]
    assert [u.action.ref for u in due["approver"].to_approve] == ["CH6"]
