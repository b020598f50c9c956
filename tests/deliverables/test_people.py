"""The performance team assigns lead officers, approvers and directorates to many actions at
once: filter, tick, choose, check the listed changes, confirm exactly those."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from deliverables import services
from deliverables.models import Action, ActionDelegate
from deliverables.services.base import save_with_history
from deliverables.workflow import NotAllowed
from plans.models import AuditEvent, AuditKind
from tests import factories


@pytest.fixture
def team(client, users):
    client.force_login(users["performance"])
    return client


def people_url(plan, query: str = "") -> str:
    return reverse("deliverables:people", args=[plan.slug]) + (f"?{query}" if query else "")


def confirm_url(plan, query: str = "") -> str:
    return reverse("deliverables:people_confirm", args=[plan.slug]) + (f"?{query}" if query else "")


def people_of(plan) -> dict[str, tuple]:
    """Each action's (lead officer, approver, directorate) ids, by reference."""
    return {
        a.ref: (a.lead_officer_id, a.approver_id, a.directorate_id)
        for a in Action.objects.filter(plan=plan)
    }


def hidden_fields(page: str) -> list[tuple[str, str]]:
    """The confirmation form's hidden inputs, as the browser would post them."""
    form = page[page.index('action="/plans/') :]
    return re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)


def confirm(client, plan, preview, query: str = ""):
    """Post what the confirmation page carries, as the browser would."""
    assert preview.status_code == 200, preview.content.decode()
    post: dict[str, list[str]] = {}
    for key, value in hidden_fields(preview.content.decode()):
        post.setdefault(key, []).append(value)
    return client.post(confirm_url(plan, query), post)


def check_then_confirm(client, plan, data: dict, query: str = ""):
    """Post the choices, read the confirmation page, post what it carries."""
    preview = client.post(people_url(plan, query), data)
    return preview, confirm(client, plan, preview, query)


@pytest.mark.django_db
def test_team_gives_many_actions_a_lead_and_confirming_does_exactly_what_was_listed(
    team, small_plan, users
):
    plan = small_plan.plan
    ch6, ch5, ph5, _f1 = small_plan.actions
    page = team.get(people_url(plan, "lead_officer=none")).content.decode()
    assert "4 actions" in page and "Every child has a good school place" in page
    before = people_of(plan)
    preview = team.post(
        people_url(plan, "lead_officer=none"),
        {"actions": [ch6.pk, ch5.pk, ph5.pk], "lead_officer": users["officer"].pk},
    )
    listed = {
        row.action.ref: [(c.label, c.before, c.after) for c in row.changes]
        for row in preview.context["assignment"].changing
    }
    assert listed == {
        ref: [("Lead officer", None, users["officer"])] for ref in ("CH6", "CH5", "PH5")
    }
    assert "Lead officer: none → <strong>Olu Officer</strong>" in preview.content.decode()
    assert "Confirm 3 changes" in preview.content.decode()
    assert people_of(plan) == before  # checking changes nothing

    done = confirm(team, plan, preview, "lead_officer=none")
    assert done.status_code == 302
    assert done["Location"] == people_url(plan, "lead_officer=none")
    after = people_of(plan)
    changed = {ref for ref in after if after[ref] != before[ref]}
    assert changed == set(listed)
    for ref in changed:
        assert after[ref] == (users["officer"].pk, *before[ref][1:])
    follow = team.get(done["Location"]).content.decode()
    assert "3 actions changed: CH5, CH6, PH5." in follow
    assert "1 action" in follow  # only F1 still has no lead

    record = Action.objects.get(pk=ch6.pk).history.first()
    assert record.history_user == users["performance"]
    assert record.history_change_reason == "People assigned by the performance team"
    assert record.lead_officer_id == users["officer"].pk
    event = AuditEvent.objects.get(kind=AuditKind.PEOPLE)
    assert event.user == users["performance"]
    assert "3 actions changed" in event.message
    assert "CH6" in event.message and "PH5" in event.message and "F1" not in event.message
    assert "lead officer none → Olu Officer" in event.message
    action_page = team.get(ch6.get_absolute_url()).content.decode()
    assert "Lead officer: none → Olu Officer" in action_page  # the history timeline


@pytest.mark.django_db
def test_team_sets_a_directorate(team, small_plan, users, directorates):
    plan = small_plan.plan
    f1 = small_plan.actions[3]
    preview, done = check_then_confirm(
        team, plan, {"actions": [f1.pk], "directorate": directorates["CH"].pk}
    )
    assert "Directorate: Finance → <strong>Children &amp; Education</strong>" in (
        preview.content.decode()
    )
    assert done.status_code == 302
    f1.refresh_from_db()
    assert f1.directorate == directorates["CH"]


@pytest.mark.django_db
def test_team_removes_an_approver_and_an_action_already_so_is_listed_unchanged(
    team, small_plan, users
):
    plan = small_plan.plan
    ch6, ch5 = small_plan.actions[:2]
    Action.objects.filter(pk=ch6.pk).update(approver=users["approver"])
    preview, done = check_then_confirm(
        team, plan, {"actions": [ch6.pk, ch5.pk], "approver": "none"}
    )
    page = preview.content.decode()
    assert "Approver: Ada Approver → <strong>none</strong>" in page
    assert "Already set, so not changed" in page and "Attendance is everybody" in page
    assert done.status_code == 302
    ch6.refresh_from_db()
    assert ch6.approver is None
    assert ch6.history.first().history_change_reason == "People assigned by the performance team"
    assert ch5.history.count() == 1  # only its creation: it did not change


@pytest.mark.django_db
def test_an_approver_of_the_directorate_is_accepted(team, small_plan, users):
    ch6, ch5 = small_plan.actions[:2]
    _, done = check_then_confirm(
        team, small_plan.plan, {"actions": [ch6.pk, ch5.pk], "approver": users["approver"].pk}
    )
    assert done.status_code == 302
    assert set(Action.objects.filter(approver=users["approver"])) == {ch6, ch5}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["officer", "approver", "viewer"])
def test_outsiders_are_refused_and_change_nothing(client, small_plan, users, name):
    plan = small_plan.plan
    before = people_of(plan)
    client.force_login(users[name])
    data = {"actions": [small_plan.actions[0].pk], "lead_officer": users[name].pk}
    assert client.get(people_url(plan)).status_code == 403
    assert client.post(people_url(plan), data).status_code == 403
    assert client.post(confirm_url(plan), {**data, "seen": ""}).status_code == 403
    assert people_of(plan) == before


@pytest.mark.django_db
def test_another_plans_actions_and_unknown_plans_are_refused(team, small_plan, directorates, users):
    other = factories.small_plan(directorates, slug="other-plan")
    assert team.get(people_url(other.plan).replace("other-plan", "no-plan")).status_code == 404
    response = team.post(
        people_url(small_plan.plan),
        {"actions": [other.actions[0].pk], "lead_officer": users["officer"].pk},
    )
    assert response.status_code == 400
    assert "Tick actions of this plan only." in response.content.decode()


@pytest.mark.django_db
def test_wrong_methods_are_refused(team, small_plan):
    plan = small_plan.plan
    assert team.get(confirm_url(plan)).status_code == 405
    assert team.put(people_url(plan)).status_code == 405
    assert team.delete(confirm_url(plan)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lead_officer": "officer"}, "Tick at least one action to change."),
        ({"actions": ["CH6"]}, "Choose a lead officer, an approver or a directorate to set."),
        ({"actions": ["CH6"], "lead_officer": "viewer"}, "Sam Viewer cannot lead an action"),
        (
            {"actions": ["CH6", "PH5"], "approver": "approver"},
            "Ada Approver does not belong to Public Health, the directorate of PH5",
        ),
        (
            {"actions": ["CH6"], "approver": "other_officer"},
            "cannot approve an action&#x27;s updates: their role is not an approver&#x27;s",
        ),
        (
            {"actions": ["CH6"], "approver": "approver", "directorate": "PH"},
            "Ada Approver does not belong to Public Health, the directorate of CH6",
        ),
        ({"actions": ["CH6"], "lead_officer": "999999"}, "Choose someone from the list."),
    ],
)
def test_invalid_choices_are_explained_and_change_nothing(
    team, small_plan, users, directorates, data, message
):
    users["viewer"].first_name, users["viewer"].last_name = "Sam", "Viewer"
    users["viewer"].save()
    plan = small_plan.plan
    by_ref = {a.ref: a.pk for a in small_plan.actions}
    post = {}
    for key, value in data.items():
        if key == "actions":
            post[key] = [by_ref[ref] for ref in value]
        elif key == "directorate":
            post[key] = directorates[value].pk
        else:
            post[key] = users[value].pk if value in users else value
    before = people_of(plan)
    response = team.post(people_url(plan), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert people_of(plan) == before
    assert not AuditEvent.objects.filter(kind=AuditKind.PEOPLE).exists()


@pytest.mark.django_db
def test_a_new_directorate_must_suit_the_approver_the_actions_keep(
    team, small_plan, users, directorates
):
    ch6 = small_plan.actions[0]
    Action.objects.filter(pk=ch6.pk).update(approver=users["approver"])
    response = team.post(
        people_url(small_plan.plan), {"actions": [ch6.pk], "directorate": directorates["PH"].pk}
    )
    assert response.status_code == 400
    assert "choose an approver of that directorate, or remove the approver" in (
        response.content.decode()
    )
    _, done = check_then_confirm(
        team,
        small_plan.plan,
        {"actions": [ch6.pk], "directorate": directorates["PH"].pk, "approver": "none"},
    )
    assert done.status_code == 302
    ch6.refresh_from_db()
    assert (ch6.directorate, ch6.approver) == (directorates["PH"], None)


@pytest.mark.django_db
def test_an_action_changed_after_the_check_is_shown_again_not_saved(team, small_plan, users):
    plan = small_plan.plan
    ch6, ch5 = small_plan.actions[:2]
    preview = team.post(
        people_url(plan), {"actions": [ch6.pk, ch5.pk], "lead_officer": users["officer"].pk}
    )
    carried = dict(hidden_fields(preview.content.decode()))
    # Someone else gives CH6 a lead meanwhile.
    ch6.refresh_from_db()
    ch6.lead_officer = users["other_officer"]
    save_with_history(ch6, users["admin"], "In the admin")
    post = {
        "actions": [ch6.pk, ch5.pk],
        "lead_officer": users["officer"].pk,
        "approver": "",
        "directorate": "",
        "seen": carried["seen"],
    }
    again = team.post(confirm_url(plan), post)
    assert again.status_code == 409
    page = again.content.decode()
    assert "Something changed since you checked" in page
    assert "CH6 changed after you checked the changes, so nothing was saved" in page
    assert "Lead officer: other-officer → <strong>Olu Officer</strong>" in page
    ch5.refresh_from_db()
    assert ch5.lead_officer is None  # nothing of the batch was written
    assert not AuditEvent.objects.filter(kind=AuditKind.PEOPLE).exists()
    # Confirming what is shown now works.
    post["seen"] = dict(hidden_fields(page))["seen"]
    assert team.post(confirm_url(plan), post).status_code == 302
    assert set(Action.objects.filter(lead_officer=users["officer"])) == {ch6, ch5}


@pytest.mark.django_db
def test_a_confirmation_without_what_was_checked_is_asked_again(team, small_plan, users):
    ch6 = small_plan.actions[0]
    response = team.post(
        confirm_url(small_plan.plan),
        {"actions": [ch6.pk], "lead_officer": users["officer"].pk, "seen": ""},
    )
    assert response.status_code == 409
    ch6.refresh_from_db()
    assert ch6.lead_officer is None


@pytest.mark.django_db
def test_a_lead_who_lost_the_role_before_confirming_is_refused(team, small_plan, users):
    from django.contrib.auth.models import Group

    ch6 = small_plan.actions[0]
    preview = team.post(
        people_url(small_plan.plan), {"actions": [ch6.pk], "lead_officer": users["officer"].pk}
    )
    carried = dict(hidden_fields(preview.content.decode()))
    users["officer"].groups.set([Group.objects.get(name="Viewer")])
    response = team.post(
        confirm_url(small_plan.plan),
        {"actions": [ch6.pk], "lead_officer": users["officer"].pk, "seen": carried["seen"]},
    )
    assert response.status_code == 400
    assert "Olu Officer cannot lead an action" in response.content.decode()
    ch6.refresh_from_db()
    assert ch6.lead_officer is None


@pytest.mark.django_db
def test_the_service_checks_the_permission_itself(small_plan, users):
    ch6 = small_plan.actions[0]
    for name in ("officer", "approver", "viewer"):
        with pytest.raises(NotAllowed):
            services.actions_assign(users[name], [ch6], lead_officer=users["officer"])
    ch6.refresh_from_db()
    assert ch6.lead_officer is None


@pytest.mark.django_db
def test_the_filters_narrow_the_list(team, small_plan, users, directorates):
    plan = small_plan.plan
    ch6, _ch5, ph5, f1 = small_plan.actions
    Action.objects.filter(pk=ch6.pk).update(
        lead_officer=users["officer"], approver=users["approver"]
    )
    Action.objects.filter(pk=f1.pk).update(directorate=None)
    later = factories.period(plan, "2023-24-Q4", state="open")
    services.actions_refresh_completion(a.pk for a in small_plan.actions)  # PH5 completed in Q3

    def refs(query: str) -> set[str]:
        return {a.ref for a in team.get(people_url(plan, query)).context["page"]}

    assert refs("") == {"CH6", "CH5", "PH5", "F1"}
    assert refs("lead_officer=none") == {"CH5", "PH5", "F1"}
    assert refs(f"lead_officer={users['officer'].pk}") == {"CH6"}
    assert refs("approver=none") == {"CH5", "PH5", "F1"}
    assert refs(f"approver={users['approver'].pk}") == {"CH6"}
    assert refs("directorate=none") == {"F1"}
    assert refs(f"directorate={directorates['CH'].pk}") == {"CH6", "CH5"}
    assert refs(f"outcome={small_plan.outcomes[1].pk}") == {"PH5", "F1"}
    assert refs("q=attendance") == {"CH5"}
    assert refs("q=ch 6") == {"CH6"}
    assert refs(f"period={later.code}") == {"CH6", "CH5", "F1"}
    assert refs(f"action={ph5.pk}") == {"PH5"}
    # A filter that is not one of the choices is said to be wrong, and not applied.
    response = team.get(people_url(plan, "directorate=99999&lead_officer=none"))
    assert {a.ref for a in response.context["page"]} == {"CH5", "PH5", "F1"}
    assert "There is a problem with the filters" in response.content.decode()


@pytest.mark.django_db
def test_one_action_from_its_page_comes_ticked(team, small_plan):
    ph5 = small_plan.actions[2]
    page = team.get(ph5.get_absolute_url()).content.decode()
    link = f"{people_url(small_plan.plan)}?action={ph5.pk}"
    assert f'href="{link}"' in page and "Change people" in page
    listed = team.get(link).content.decode()
    assert f'value="{ph5.pk}" checked' in listed
    assert "Showing one action" in listed


@pytest.mark.django_db
def test_list_page_query_count_is_pinned(team, directorates, users, django_assert_num_queries):
    small = factories.small_plan(directorates, extra_actions=3)
    for action in small.actions:
        action.lead_officer, action.approver = users["officer"], users["approver"]
    Action.objects.bulk_update(small.actions, ["lead_officer", "approver"])
    url = people_url(small.plan)
    with django_assert_num_queries(16):
        response = team.get(url)
    assert len(response.context["page"]) == 7
    for index in range(5):
        factories.action(small.plan, f"PH{200 + index}", directorate=directorates["PH"])
    factories.user("another-approver", "Approver", [directorates["PH"]])
    with django_assert_num_queries(16):
        response = team.get(url)
    assert len(response.context["page"]) == 12


@pytest.mark.django_db
def test_an_action_without_a_lead_says_who_can_enter_its_updates(
    client, small_plan, users, directorates
):
    ch6 = small_plan.actions[0]
    client.force_login(users["viewer"])
    page = client.get(ch6.get_absolute_url()).content.decode()
    assert (
        "No lead officer: nobody can enter its updates until the performance team assigns one"
        in (page)
    )
    assert "Change people" not in page
    colleague = factories.user(
        "colleague", "Lead officer", [directorates["CH"]], first_name="Cat", last_name="Lee"
    )
    ActionDelegate.objects.create(action=ch6, user=colleague)
    page = client.get(ch6.get_absolute_url()).content.decode()
    assert "No lead officer: only its delegate Cat Lee can enter its updates" in page
    ch6.lead_officer = users["officer"]
    ch6.save()
    assert "No lead officer" not in client.get(ch6.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_plan_page_and_register_link_the_team_to_the_page(client, team, small_plan, users):
    plan = small_plan.plan
    assert people_url(plan) in team.get(plan.get_absolute_url()).content.decode()
    register = reverse("reports:register", args=[plan.slug])
    outcome = small_plan.outcomes[0].pk
    page = team.get(f"{register}?outcome={outcome}&status=none&q=ch").content.decode()
    assert f"{people_url(plan)}?q=ch&amp;outcome={outcome}&amp;period=2023-24-Q3" in page
    client.force_login(users["viewer"])
    assert people_url(plan) not in client.get(plan.get_absolute_url()).content.decode()
    assert people_url(plan) not in client.get(register).content.decode()
