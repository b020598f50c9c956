"""Separation of duties in the admin's user pages.

The pen test's non-superuser administrator made themselves superuser, and role changes left
no audit event. Only a superuser makes a superuser, grants or removes the Administrator role,
grants single permissions or changes a superuser; every change to roles, directorates,
permissions or account status is an audit event.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from plans.models import AuditEvent, AuditKind, User
from plans.roles import ADMINISTRATOR, APPROVER, LEAD_OFFICER


def user_form(client, user: User, **changes) -> dict:
    """The user's change form as the admin shows it, with `changes` applied."""
    form = client.get(reverse("admin:plans_user_change", args=[user.pk])).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or name == "password":
            continue
        if isinstance(value, dt.datetime):  # the admin's split date and time widget
            data[f"{name}_0"], data[f"{name}_1"] = value.date(), value.time()
        else:
            data[name] = "on" if value is True else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def change_user(client, user: User, **changes):
    url = reverse("admin:plans_user_change", args=[user.pk])
    return client.post(url, user_form(client, user, **changes))


def group(name: str) -> int:
    return Group.objects.get(name=name).pk


@pytest.mark.django_db
def test_an_administrator_cannot_make_themselves_superuser(client, users):
    admin = users["admin"]
    client.force_login(admin)
    response = change_user(client, admin, is_superuser="on")
    assert response.status_code == 302  # saved, but the field is not the form's to set
    admin.refresh_from_db()
    assert not admin.is_superuser
    assert not AuditEvent.objects.filter(kind=AuditKind.ACCESS, message__contains="superuser")


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["performance", "officer"])
def test_an_administrator_cannot_grant_the_administrator_role(client, users, target):
    client.force_login(users["admin"])
    user = users[target]
    roles = [group(ADMINISTRATOR), group(LEAD_OFFICER)]
    response = change_user(client, user, groups=roles)
    assert response.status_code == 200
    assert "Only a superuser can grant or remove the Administrator role" in (
        response.content.decode()
    )
    assert not user.groups.filter(name=ADMINISTRATOR).exists()


@pytest.mark.django_db
def test_an_administrator_cannot_remove_the_administrator_role(client, users):
    other = User.objects.create_user("second-admin", password="x" * 12, is_staff=True)
    other.groups.add(Group.objects.get(name=ADMINISTRATOR))
    client.force_login(users["admin"])
    assert change_user(client, other, groups=[]).status_code == 200
    assert other.groups.filter(name=ADMINISTRATOR).exists()


@pytest.mark.django_db
def test_an_administrator_cannot_grant_single_permissions(client, users):
    officer = users["officer"]
    client.force_login(users["admin"])
    permission = Permission.objects.get(codename="change_group")
    response = change_user(client, officer, user_permissions=[permission.pk])
    assert response.status_code == 302
    assert not officer.user_permissions.exists()


@pytest.mark.django_db
def test_an_administrator_cannot_change_or_delete_a_superuser(client, users):
    boss = User.objects.create_superuser("boss", password="x" * 12)
    client.force_login(users["admin"])
    url = reverse("admin:plans_user_change", args=[boss.pk])
    assert client.post(url, {"username": "boss", "is_active": ""}).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[boss.pk])
    assert client.post(password, {"password1": "y" * 14, "password2": "y" * 14}).status_code == 403
    delete = reverse("admin:plans_user_delete", args=[boss.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    boss.refresh_from_db()
    assert boss.is_active and boss.check_password("x" * 12)


@pytest.mark.django_db
def test_a_superuser_grants_top_access_and_it_is_audited(client, users):
    boss = User.objects.create_superuser("boss", password="x" * 12)
    officer = users["officer"]
    client.force_login(boss)
    permission = Permission.objects.get(codename="view_auditevent")
    response = change_user(
        client,
        officer,
        groups=[group(ADMINISTRATOR), group(APPROVER)],
        user_permissions=[permission.pk],
        is_staff="on",
        is_superuser="on",
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_superuser and officer.groups.filter(name=ADMINISTRATOR).exists()
    event = AuditEvent.objects.get(kind=AuditKind.ACCESS)
    assert event.username == "boss"
    assert event.message == (
        "Account officer changed: roles added Administrator, Approver; roles removed Lead "
        "officer; permissions added plans.view_auditevent; staff (admin site) on; superuser on"
    )


@pytest.mark.django_db
def test_every_role_directorate_and_status_change_by_an_administrator_is_audited(
    client, users, directorates
):
    officer = users["officer"]
    client.force_login(users["admin"])
    response = change_user(
        client,
        officer,
        groups=[group(APPROVER)],
        directorates=[directorates["PH"].pk],
        is_active=False,
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditKind.ACCESS)
    assert (event.username, event.message) == (
        "administrator",
        "Account officer changed: roles added Approver; roles removed Lead officer; "
        "directorates added PH; directorates removed CH; active off",
    )
    # A save that changes none of them records nothing new.
    officer.refresh_from_db()
    assert change_user(client, officer, job_title="Head of schools").status_code == 302
    assert AuditEvent.objects.filter(kind=AuditKind.ACCESS).count() == 1
    # Adding an account is recorded too.
    add = reverse("admin:plans_user_add")
    response = client.post(
        add,
        {"username": "newbie", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase",
         "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        kind=AuditKind.ACCESS, message="Account newbie added: active on"
    ).exists()


@pytest.mark.django_db
def test_names_typed_in_the_admin_are_stored_without_markup(client, users):
    officer = users["officer"]
    client.force_login(users["admin"])
    response = change_user(
        client,
        officer,
        first_name="<b>Olu</b>",
        last_name="Officer<script>alert(1)</script>",
        job_title="<i>Head</i> of <img src=x onerror=alert(2)>schools",
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.first_name, officer.last_name, officer.job_title) == (
        "Olu",
        "Officer",
        "Head of schools",
    )


@pytest.mark.django_db
def test_a_change_to_what_a_role_may_do_is_an_audit_event(client, users):
    root = User.objects.create_superuser("root", "root@example.org", "a-long-root-password-1")
    client.force_login(root)
    role = Group.objects.get(name=LEAD_OFFICER)
    extra = Permission.objects.get(codename="approve_update")
    kept = list(role.permissions.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:auth_group_change", args=[role.pk]),
        {"name": role.name, "permissions": [*kept, extra.pk]},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(kind=AuditKind.ACCESS).latest("pk")
    assert event.message == (f"Role {LEAD_OFFICER} changed: added deliverables.approve_update")
    assert event.user == root


@pytest.mark.django_db
def test_a_role_that_needs_a_second_factor_takes_effect_in_a_session_already_open(users):
    """A viewer signed in without a code (none needed); given the performance team's role while
    signed in, their very next page asks them to set one up, not their next sign-in."""
    from django.test import Client

    from plans.roles import PERFORMANCE_TEAM

    viewer = users["viewer"]
    session = Client()
    session.force_login(viewer)
    assert session.get(reverse("home")).status_code == 200
    admin = Client()
    admin.force_login(users["admin"])
    response = change_user(admin, viewer, groups=[group(PERFORMANCE_TEAM)], is_staff="on")
    assert response.status_code == 302
    after = session.get(reverse("home"))
    assert after.status_code == 302 and reverse("second_factor_setup") in after.url
