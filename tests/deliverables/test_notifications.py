"""Emails about what happened: returned, approved, waiting for approval (a daily digest),
reopened, chased; each told once, to the right person, with a link that works."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deliverables import services
from deliverables.models import Notification, ReminderLog
from deliverables.notifications import send_digests
from deliverables.workflow import StaleUpdate
from tests import factories
from tests.deliverables.conftest import submit_update


@pytest.fixture
def emails(cycle):
    for role in ("officer", "approver", "other_officer", "performance"):
        user = getattr(cycle, role)
        user.email = f"{role}@sandwell.example"
        user.save()
    return cycle


def sent_to(role: str) -> list:
    """The emails sent to the cycle's user of that role (fixture key: officer, approver...)."""
    return [m for m in mail.outbox if m.to == [f"{role}@sandwell.example"]]


@pytest.mark.django_db(transaction=True)
def test_the_officer_is_told_when_an_update_is_returned_with_the_reason(emails):
    cycle = emails
    update = submit_update(cycle, cycle.ch5, "Delayed", "Late")
    services.update_return(
        cycle.approver, update, reason="Name the contractor", expected_version=update.version
    )
    (message,) = sent_to("officer")
    assert message.subject == "CH5 Q4 2023/24 update returned to you"
    assert "Name the contractor" in message.body
    link = reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch5.pk])
    assert f"http://testserver{link}" in message.body or link in message.body
    assert "/account/" in message.body  # where to change how often


@pytest.mark.django_db(transaction=True)
def test_the_officer_is_told_when_an_update_is_approved_once(emails):
    cycle = emails
    update = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    update = services.update_approve(cycle.approver, update, expected_version=update.version)
    (message,) = sent_to("officer")
    assert message.subject == "CH6 Q4 2023/24 update approved"
    assert cycle.ch6.get_absolute_url() in message.body
    # The same event recorded again tells nobody again.
    from deliverables.notifications import update_approved_happened

    update_approved_happened(update)
    assert len(sent_to("officer")) == 1
    assert Notification.objects.filter(kind="approved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_approvers_get_one_digest_a_day_for_several_submissions(emails):
    cycle = emails
    submit_update(cycle, cycle.ch6, "On Track", "Fine")
    submit_update(cycle, cycle.ch5, "Delayed", "Late")
    assert sent_to("approver") == []  # nothing at once: submissions wait for the digest
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    (digest,) = sent_to("approver")
    assert digest.subject == "2 things about your updates today"
    assert "CH5 Q4 2023/24 update waiting for your approval" in digest.body
    assert "CH6 Q4 2023/24 update waiting for your approval" in digest.body
    review = reverse("deliverables:review", args=[cycle.plan.slug, cycle.q4.code])
    assert review in digest.body
    assert "Sent approver a digest of 2." in out.getvalue()
    # A second run the same day sends nothing more.
    call_command("send_digests", stdout=io.StringIO())
    assert len(sent_to("approver")) == 1
    # The officer who submitted, and the performance team, are not told of the submissions.
    assert sent_to("officer") == [] and sent_to("performance") == []


@pytest.mark.django_db(transaction=True)
def test_a_daily_reader_gets_returns_and_approvals_in_the_digest(emails):
    cycle = emails
    cycle.officer.notification_frequency = "daily"
    cycle.officer.save()
    update = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    services.update_approve(cycle.approver, update, expected_version=update.version)
    assert sent_to("officer") == []
    send_digests()
    (digest,) = sent_to("officer")
    assert digest.subject == "CH6 Q4 2023/24 update approved"


@pytest.mark.django_db(transaction=True)
def test_a_failed_email_is_kept_for_the_next_run(emails, settings):
    cycle = emails
    submit_update(cycle, cycle.ch6, "On Track", "Fine")
    settings.EMAIL_BACKEND = "tests.deliverables.test_notifications.FailingBackend"
    report = send_digests()
    assert report.failed == ["approver"]
    assert Notification.objects.filter(sent_at=None).count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests().sent == {"approver": 1}


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.mark.django_db(transaction=True)
def test_officers_are_told_when_a_quarter_is_reopened_for_them(emails):
    cycle = emails
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    services.period_reopen(cycle.performance, cycle.q4, reason="Late updates from Children's")
    (message,) = sent_to("officer")
    assert message.subject == "Test Plan: Q4 2023/24 is open again for updates"
    assert "Late updates from Children's" in message.body
    assert reverse("deliverables:my_updates") in message.body
    # PH5 was completed last quarter, so its lead owes nothing; the approver leads nothing.
    assert sent_to("other_officer") == [] and sent_to("approver") == []


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_change_is_refused(emails):
    cycle = emails
    update = submit_update(cycle, cycle.ch5, "Delayed", "Late")
    with pytest.raises(StaleUpdate):
        services.update_return(cycle.approver, update, reason="x", expected_version=99)
    assert sent_to("officer") == [] and not Notification.objects.filter(kind="returned").exists()


# -- chasing ------------------------------------------------------------------------------------


def chase_url(cycle) -> str:
    return reverse("deliverables:quarter_chase", args=[cycle.plan.slug, cycle.q4.code])


@pytest.mark.django_db(transaction=True)
def test_the_performance_team_chases_chosen_officers_once_a_day(client, emails):
    cycle = emails
    client.force_login(cycle.performance)
    page = client.get(chase_url(cycle))
    assert page.status_code == 200
    officers = {r.user.username for r in page.context["officers"]}
    assert officers == {"officer"}  # PH5, other_officer's, was completed last quarter
    cycle.f1.lead_officer = cycle.other_officer
    cycle.f1.save()
    assert len(client.get(chase_url(cycle)).context["officers"]) == 2
    response = client.post(chase_url(cycle), {"officers": [cycle.officer.pk]}, follow=True)
    assert "Chased 1 officer: Olu Officer." in response.content.decode()
    (message,) = sent_to("officer")
    assert "Q4 2023/24 updates are due" in message.subject
    link = reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch6.pk])
    assert link in message.body
    assert sent_to("other_officer") == []
    log = ReminderLog.objects.get(user=cycle.officer)
    assert log.summary.startswith("Chased by") and log.sent_on == timezone.localdate()
    # Chased again the same day: not emailed twice, and the page says so.
    page = client.get(chase_url(cycle)).content.decode()
    assert "Already reminded or chased today" in page
    response = client.post(chase_url(cycle), {"officers": [cycle.officer.pk]}, follow=True)
    assert "not emailed again: Olu Officer" in response.content.decode()
    assert len(sent_to("officer")) == 1
    # The day's automatic reminder does not follow the chase either.
    call_command("send_reminders", "--before", "10", stdout=io.StringIO())  # today, then
    assert len(sent_to("officer")) == 1 and len(sent_to("other_officer")) == 1  # F1's


@pytest.mark.django_db
def test_chasing_needs_a_ticked_officer_and_the_performance_team(client, emails):
    cycle = emails
    client.force_login(cycle.performance)
    response = client.post(chase_url(cycle), {})
    assert (
        response.status_code == 400 and "Tick the officers to chase." in response.content.decode()
    )
    response = client.post(chase_url(cycle), {"officers": [cycle.approver.pk]})
    assert "has nothing left to give" in response.content.decode()
    assert client.put(chase_url(cycle)).status_code == 405
    for outsider in (cycle.officer, cycle.approver, cycle.viewer):
        client.force_login(outsider)
        assert client.post(chase_url(cycle), {"officers": [cycle.officer.pk]}).status_code == 403
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_quarter_page_offers_the_chase_while_updates_are_outstanding(client, cycle):
    client.force_login(cycle.performance)
    url = reverse("deliverables:quarter", args=[cycle.plan.slug, cycle.q4.code])
    assert "Chase the officers with updates outstanding" in client.get(url).content.decode()
    q3 = reverse("deliverables:quarter", args=[cycle.plan.slug, cycle.q3.code])
    assert "Chase the officers" not in client.get(q3).content.decode()


# -- your account -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_user_chooses_immediate_or_daily_emails(client, cycle):
    client.force_login(cycle.officer)
    url = reverse("account")
    page = client.get(url)
    assert page.status_code == 200
    assert "Emails about your updates" in page.content.decode()
    assert page.context["form"]["notification_frequency"].value() == "immediate"
    response = client.post(url, {"notification_frequency": "daily"}, follow=True)
    assert "Your email settings are saved." in response.content.decode()
    cycle.officer.refresh_from_db()
    assert cycle.officer.notification_frequency == "daily"
    response = client.post(url, {"notification_frequency": "hourly"})
    assert response.status_code == 400
    assert "Choose one of the options listed." in response.content.decode()
    assert client.delete(url).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


@pytest.mark.django_db
def test_digests_command_reports_nothing_to_send(cycle):
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    assert "Digests sent: 0; failed: 0." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_digest_lists_only_updates_still_waiting_and_each_once(emails):
    cycle = emails
    ch6 = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    services.update_approve(cycle.approver, ch6, expected_version=ch6.version)
    ch5 = submit_update(cycle, cycle.ch5, "Delayed", "Late")
    ch5 = services.update_withdraw(cycle.officer, ch5, expected_version=ch5.version)
    submit_update(cycle, cycle.ch5, "Delayed", "Late, and why", version=ch5.version)
    send_digests()
    (digest,) = sent_to("approver")
    assert digest.subject == "CH5 Q4 2023/24 update waiting for your approval"
    assert "CH6" not in digest.body and digest.body.count("CH5 Q4 2023/24") == 1


@pytest.mark.django_db(transaction=True)
def test_when_the_only_approver_entered_it_the_performance_team_is_told(emails):
    cycle = emails
    services.action_delegate(cycle.officer, cycle.ch5, cycle.approver)
    services.update_save(
        cycle.approver,
        cycle.ch5,
        cycle.q4,
        status=factories.status(cycle.plan, "Delayed"),
        commentary="Entered by the approver",
        expected_version=0,
        submit=True,
    )
    send_digests()
    assert sent_to("approver") == []
    (digest,) = sent_to("performance")
    assert digest.subject == "CH5 Q4 2023/24 update waiting for your approval"


@pytest.mark.django_db
def test_the_chase_page_says_when_outstanding_actions_have_nobody_to_chase(client, cycle):
    client.force_login(cycle.performance)
    page = client.get(chase_url(cycle)).content.decode()
    # F1 has no lead officer and no delegate.
    assert "1 action still owes an update but has no lead officer or delegate" in page
    assert "lead_officer=none" in page
