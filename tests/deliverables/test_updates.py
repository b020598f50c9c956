"""Officers entering updates: my updates, the form, drafts, submission, the rules on the server."""

from __future__ import annotations

import html
import threading

import pytest
from django.db import connection
from django.urls import reverse

from deliverables import services
from deliverables.models import ActionDelegate, QuarterlyUpdate
from deliverables.workflow import StaleUpdate, WorkflowError
from plans.models import Status
from tests import factories
from tests.deliverables.conftest import post_update, update_url

# -- my updates -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_updates_lists_the_officers_actions_with_last_quarter_and_the_deadline(client, cycle):
    client.force_login(cycle.officer)
    response = client.get(reverse("deliverables:my_updates"))
    page = response.content.decode()
    assert "My updates for Q4 2023/24" in page
    assert "Every child has a good school place" in page  # CH6
    assert "Attendance is everybody" in page  # CH5
    assert "Healthy Sandwell advice service" not in page  # PH5 is someone else's
    assert "10 days left" in page
    assert "Commentary for CH5" in page  # last quarter's commentary, beside
    assert "2 actions: 2 not started" in page


@pytest.mark.django_db
def test_signing_in_during_an_open_quarter_lands_on_my_updates(client, cycle):
    response = client.post(
        reverse("login"), {"username": "officer", "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("deliverables:my_updates")


@pytest.mark.django_db
def test_my_updates_says_when_no_quarter_is_open(client, small_plan, users):
    client.force_login(users["officer"])
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "No quarter is open for updates" in page


@pytest.mark.django_db
def test_a_completed_action_stops_asking_for_updates(client, cycle):
    cycle.ph5.lead_officer = cycle.officer
    cycle.ph5.save()
    client.force_login(cycle.officer)
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "Healthy Sandwell advice service" not in page  # Complete in Q3
    response = post_update(client, cycle, cycle.ph5)
    assert "needs no further updates" in response.content.decode()
    assert not QuarterlyUpdate.objects.filter(action=cycle.ph5, period=cycle.q4).exists()


@pytest.mark.django_db
def test_a_reopened_action_asks_again(client, cycle):
    services.action_reopen(cycle.performance, cycle.ph5, reason="Contract extended")
    cycle.ph5.lead_officer = cycle.officer
    cycle.ph5.save()
    client.force_login(cycle.officer)
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "Healthy Sandwell advice service" in page
    # Returning its next update does not make it complete again.
    post_update(client, cycle, cycle.ph5, status="On Track")
    cycle.ph5.refresh_from_db()
    assert cycle.ph5.completed_in is None


@pytest.mark.django_db
def test_my_updates_query_count_does_not_grow_with_actions(
    client, directorates, users, django_assert_num_queries
):
    client.force_login(users["officer"])

    def quarter_with(slug, extra):
        small = factories.small_plan(directorates, slug=slug, extra_actions=extra)
        q4 = factories.period(small.plan, "2023-24-Q4", state="open")
        for action in small.actions:
            action.lead_officer = users["officer"]
            action.save()
        factories.update(small.actions[0], q4, "On Track", state="draft", source="entered")
        return small, q4

    _, q4 = quarter_with("small", 0)
    # An open quarter of a plan the officer plays no part in costs nothing.
    not_theirs = factories.small_plan(directorates, slug="not-theirs").plan
    factories.period(not_theirs, "2023-24-Q4", state="open")
    # 11: one of them the officer's overdue milestones.
    with django_assert_num_queries(11) as first:
        client.get(reverse("deliverables:my_updates"))
    q4.state = "closed"
    q4.save()
    quarter_with("big", 12)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("deliverables:my_updates"))
    assert response.context["quarters"][0]["total"] == 16


# -- the form -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_offers_only_this_plans_statuses_and_last_quarter_beside(client, cycle):
    factories.plan("another-plan")  # its statuses must not appear
    client.force_login(cycle.officer)
    response = client.get(update_url(cycle, cycle.ch5))
    assert response.status_code == 200
    choices = list(response.context["form"].fields["status"].queryset)
    scale = factories.status(cycle.plan, "On Track").scale.statuses.all()
    # The system's No Update is written at close, never offered.
    assert choices == [s for s in scale if s.label != "No Update"]
    page = response.content.decode()
    assert "Last quarter, Q3 2023/24" in page and "Commentary for CH5" in page
    # Nothing is chosen for the officer: no status pre-selected, commentary not copied.
    assert response.context["form"]["status"].value() is None
    assert " checked" not in page.split('name="status"', 1)[1].split("</fieldset>")[0]
    assert response.context["form"]["commentary"].value() in (None, "")


@pytest.mark.django_db
def test_copying_last_quarters_commentary_keeps_what_was_typed_and_saves_nothing(client, cycle):
    client.force_login(cycle.officer)
    status = factories.status(cycle.plan, "Delayed").pk
    response = post_update(
        client, cycle, cycle.ch5, intent="copy", status="Delayed", commentary="Typed first."
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["commentary"].value() == "Typed first.\n\nCommentary for CH5"
    assert str(form["status"].value()) == str(status)  # the choice made survives
    assert not form.errors
    assert not QuarterlyUpdate.objects.filter(action=cycle.ch5, period=cycle.q4).exists()
    # With nothing typed, the box gets last quarter's words alone.
    response = post_update(client, cycle, cycle.ch5, intent="copy", status=None, commentary="")
    assert response.context["form"]["commentary"].value() == "Commentary for CH5"


@pytest.mark.django_db
def test_the_no_update_status_cannot_be_chosen_whatever_is_posted(client, cycle):
    client.force_login(cycle.officer)
    response = post_update(client, cycle, cycle.ch6, status="No Update", commentary="Progress.")
    assert "Choose one of the statuses listed" in response.content.decode()
    with pytest.raises(WorkflowError, match="recorded by the system"):
        services.update_save(
            cycle.officer,
            cycle.ch6,
            cycle.q4,
            status=factories.status(cycle.plan, "No Update"),
            commentary="Progress.",
            expected_version=0,
            submit=True,
        )
    assert not QuarterlyUpdate.objects.filter(action=cycle.ch6, period=cycle.q4).exists()


@pytest.mark.django_db
def test_save_a_draft_come_back_and_submit(client, cycle):
    client.force_login(cycle.officer)
    response = post_update(client, cycle, cycle.ch6, intent="draft", status=None, commentary="")
    assert response.status_code == 302
    draft = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    assert (draft.state, draft.status, draft.version) == ("draft", None, 1)
    page = client.get(update_url(cycle, cycle.ch6)).content.decode()
    assert 'name="version" value="1"' in page
    response = post_update(
        client, cycle, cycle.ch6, status="On Track", commentary="Steady.", version=1
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.status.label, draft.commentary, draft.version) == (
        "submitted",
        "On Track",
        "Steady.",
        2,
    )
    assert draft.submitted_by == cycle.officer
    reasons = list(
        draft.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["Draft saved", "Submitted"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "commentary", "error"),
    [
        ("Delayed", "", "Add commentary for the 'Delayed' status"),
        ("On Track", "  ", "Add commentary for the 'On Track' status"),
        (None, "Words", "Choose a status before you submit"),
        ("On Track", "x" * 3001, "3000 characters or fewer"),
    ],
)
def test_an_invalid_submission_is_refused_with_a_clear_message(
    client, cycle, status, commentary, error
):
    client.force_login(cycle.officer)
    response = post_update(client, cycle, cycle.ch6, status=status, commentary=commentary)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page and error in page
    assert not QuarterlyUpdate.objects.filter(action=cycle.ch6, period=cycle.q4).exists()


@pytest.mark.django_db
def test_only_statuses_the_scale_frees_from_commentary_go_without_it(client, cycle):
    """Sandwell: every status but Complete needs commentary (set per status on the scale)."""
    client.force_login(cycle.officer)
    page = client.get(update_url(cycle, cycle.ch6)).content.decode()
    assert "Every status except Complete needs commentary." in page
    response = post_update(client, cycle, cycle.ch6, status="Complete", commentary="")
    assert response.status_code == 302
    # The scale decides: once On Track is freed too, it goes without.
    Status.objects.filter(label="On Track").update(requires_commentary=False)
    response = post_update(client, cycle, cycle.ch5, status="On Track", commentary="")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_status_of_another_plan_is_refused(client, cycle):
    other = factories.plan("another-plan")
    client.force_login(cycle.officer)
    response = client.post(
        update_url(cycle, cycle.ch6),
        {
            "intent": "submit",
            "status": factories.status(other, "On Track").pk,
            "commentary": "x",
            "version": 0,
        },
    )
    assert "Choose one of the statuses listed" in response.content.decode()
    assert not QuarterlyUpdate.objects.filter(action=cycle.ch6).exclude(period=cycle.q3).exists()


@pytest.mark.django_db
def test_script_in_commentary_never_reaches_a_page_unescaped(client, cycle):
    client.force_login(cycle.officer)
    post_update(client, cycle, cycle.ch6, commentary='Done <script>alert("x")</script> & dusted')
    update = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    assert update.commentary == "Done & dusted"  # the script and its content are gone
    post_update(client, cycle, cycle.ch5, status="Delayed", commentary="Budget <b>&lt;£5k</b>")
    ch5_update = QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4)
    services.update_approve(cycle.approver, ch5_update, expected_version=ch5_update.version)
    for user in (cycle.officer, cycle.viewer):
        client.force_login(user)
        page = client.get(cycle.ch5.get_absolute_url()).content.decode()
        assert "<script>alert" not in page and "<b>" not in page
        assert "Budget &lt;£5k" in page


@pytest.mark.django_db
def test_another_directorates_officer_cannot_open_or_post_the_form(client, cycle):
    client.force_login(cycle.other_officer)
    assert client.get(update_url(cycle, cycle.ch6)).status_code == 404
    assert post_update(client, cycle, cycle.ch6).status_code == 404
    client.force_login(cycle.viewer)
    assert post_update(client, cycle, cycle.ch6).status_code == 404
    assert not QuarterlyUpdate.objects.filter(action=cycle.ch6, period=cycle.q4).exists()


@pytest.mark.django_db
def test_the_form_refuses_other_methods(client, cycle):
    client.force_login(cycle.officer)
    assert client.put(update_url(cycle, cycle.ch6)).status_code == 405
    assert client.delete(update_url(cycle, cycle.ch6)).status_code == 405


@pytest.mark.django_db
def test_a_submitted_update_is_read_only_to_its_officer(client, cycle):
    client.force_login(cycle.officer)
    post_update(client, cycle, cycle.ch6, status="On Track", commentary="First")
    page = client.get(update_url(cycle, cycle.ch6)).content.decode()
    assert "read-only while it waits for approval" in page
    response = post_update(
        client, cycle, cycle.ch6, status="Delayed", commentary="Second", version=1
    )
    assert "There is a problem" in response.content.decode()
    assert QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4).commentary == "First"


@pytest.mark.django_db
def test_a_closed_quarter_refuses_the_write(client, cycle):
    client.force_login(cycle.officer)
    post_update(client, cycle, cycle.ch6, intent="draft", commentary="Draft words")
    cycle.q4.state = "closed"
    cycle.q4.save()
    response = post_update(client, cycle, cycle.ch6, commentary="Too late", version=1)
    page = response.content.decode()
    assert "Q4 2023/24 is closed" in page
    assert (
        QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4).commentary == "Draft words"
    )
    # A closed quarter's earlier update cannot be changed through the form either.
    response = post_update(
        client, cycle, cycle.ch6, period=cycle.q3, commentary="Rewrite", version=1
    )
    assert "closed" in response.content.decode()
    assert cycle.ch6.updates.get(period=cycle.q3).commentary == "Commentary for CH6"


@pytest.mark.django_db
def test_a_delegate_can_enter_the_update_until_removed(client, cycle, users):
    colleague = factories.user("colleague", "Lead officer", [cycle.ch6.directorate])
    services.action_delegate(cycle.officer, cycle.ch6, colleague)
    client.force_login(colleague)
    assert post_update(client, cycle, cycle.ch6, intent="draft").status_code == 302
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "Delegated to you by Olu Officer" in page
    services.action_undelegate(cycle.officer, cycle.ch6, colleague)
    assert client.get(update_url(cycle, cycle.ch6)).status_code == 404


# -- no lost updates ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_form_is_refused_and_the_first_save_survives(client, cycle):
    """Two people open the same update; the second to save is told, not silently overwritten."""
    colleague = factories.user("colleague", "Lead officer", [cycle.ch6.directorate])
    services.action_delegate(cycle.officer, cycle.ch6, colleague)
    first, second = client, client.__class__()
    first.force_login(cycle.officer)
    second.force_login(colleague)
    # Both load the form while there is no update yet (version 0).
    assert 'value="0"' in first.get(update_url(cycle, cycle.ch6)).content.decode()
    assert 'value="0"' in second.get(update_url(cycle, cycle.ch6)).content.decode()
    assert (
        post_update(
            first, cycle, cycle.ch6, intent="draft", commentary="Officer's words"
        ).status_code
        == 302
    )
    response = post_update(second, cycle, cycle.ch6, intent="draft", commentary="Colleague's words")
    page = response.content.decode()
    assert "changed by Olu Officer after you opened it" in page
    assert "What is saved now" in page and "Officer&#x27;s words" in page
    assert "Colleague&#x27;s words" in page  # their own text is kept in the form
    assert (
        QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4).commentary
        == "Officer's words"
    )
    # The same with an existing update: both hold version 1, the first to save wins.
    post_update(first, cycle, cycle.ch6, intent="draft", commentary="Officer again", version=1)
    response = post_update(
        second, cycle, cycle.ch6, intent="draft", commentary="Colleague again", version=1
    )
    assert "after you opened it" in response.content.decode()
    assert (
        QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4).commentary == "Officer again"
    )


@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_on_one_version_exactly_one_wins(cycle):
    """Real concurrency: two threads, two database connections, the same expected version."""
    status = factories.status(cycle.plan, "On Track")
    services.update_save(
        cycle.officer,
        cycle.ch6,
        cycle.q4,
        status=status,
        commentary="v1",
        expected_version=0,
        submit=False,
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(words: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.update_save(
                cycle.officer,
                cycle.ch6,
                cycle.q4,
                status=status,
                commentary=words,
                expected_version=1,
                submit=False,
            )
            outcomes.append(f"saved {words}")
        except StaleUpdate:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(w,)) for w in ("from A", "from B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o.split()[0] for o in outcomes) == ["saved", "stale"], outcomes
    update = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    winner = next(o for o in outcomes if o.startswith("saved")).removeprefix("saved ")
    assert (update.commentary, update.version) == (winner, 2)


# -- history --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_action_page_shows_a_readable_timeline(client, cycle):
    client.force_login(cycle.officer)
    post_update(client, cycle, cycle.ch5, intent="draft", status="Delayed", commentary="Slipping")
    post_update(client, cycle, cycle.ch5, status="On Track", commentary="Recovered", version=1)
    services.update_return(
        cycle.approver,
        QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4),
        reason="Say what recovered",
        expected_version=2,
    )
    page = client.get(cycle.ch5.get_absolute_url()).content.decode()
    timeline = page[page.index('<h2 class="govuk-heading-m">History</h2>') :]
    assert "Q4 2023/24 update created (draft)" in timeline
    assert "Status: Delayed → On Track" in timeline
    assert "Returned: Say what recovered" in timeline
    assert "Ada Approver" in timeline and "Olu Officer" in timeline
    assert timeline.index("Returned") < timeline.index("Draft saved")  # newest first


@pytest.mark.django_db
def test_a_viewer_sees_no_draft_in_the_timeline(client, cycle):
    client.force_login(cycle.officer)
    post_update(
        client, cycle, cycle.ch5, intent="draft", status="Delayed", commentary="Secret draft"
    )
    client.force_login(cycle.viewer)
    page = client.get(cycle.ch5.get_absolute_url()).content.decode()
    assert "Secret draft" not in page and "Q4 2023/24 update created" not in page


@pytest.mark.django_db
def test_delegation_is_offered_to_the_lead_and_recorded(client, cycle):
    colleague = factories.user(
        "colleague",
        "Lead officer",
        [cycle.ch6.directorate],
        first_name="Cal",
        last_name="Colleague",
    )
    client.force_login(cycle.officer)
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert "Let a colleague enter this action" in page
    url = reverse("deliverables:delegate_add", args=[cycle.plan.slug, cycle.ch6.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"user": colleague.pk}).status_code == 302
    assert ActionDelegate.objects.filter(action=cycle.ch6, user=colleague).exists()
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert "Cal Colleague can now enter its updates" in page
    # An invalid choice (someone without the role) changes nothing.
    client.post(url, {"user": cycle.viewer.pk})
    assert not ActionDelegate.objects.filter(user=cycle.viewer).exists()
    # Someone else's officer cannot delegate.
    client.force_login(cycle.other_officer)
    assert client.post(url, {"user": colleague.pk}).status_code == 403
