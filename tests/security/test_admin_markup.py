"""Text typed into the admin is stored without markup, like every other way text gets in.

The pen test found admin fields that stored markup: the inline rows (a scale's statuses, a
plan's outcomes, an outcome's themes) were saved without the sanitising their own pages do.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from deliverables.models import Action, Deliverable
from plans.models import Plan, Status, StrategicOutcome, Theme

MARKUP = "<b>Bold</b> <script>alert('x')</script>words"
CLEAN = "Bold words"


def form_data(response) -> dict:
    """Everything the admin change page would post back: its form and its inline formsets."""
    forms = [("", response.context["adminform"].form)]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        forms += [
            (f"{form.prefix}-", form) for form in formset.forms[: formset.initial_form_count()]
        ]
    for prefix, form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name) if prefix else name
            if value is None or value is False:
                continue
            if isinstance(value, dt.datetime):
                data[f"{key}_0"], data[f"{key}_1"] = value.date(), value.time()
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = "on" if value is True else value
    return data


def post_change(client, obj, changes: dict) -> None:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture
def superuser_client(client, users):
    users["admin"].is_superuser = True
    users["admin"].save()
    client.force_login(users["admin"])
    return client


@pytest.mark.django_db
def test_admin_text_fields_are_stored_without_markup(superuser_client, cycle):
    plan = cycle.plan
    outcome = StrategicOutcome.objects.filter(plan=plan).first()
    theme = Theme.objects.create(outcome=outcome, name="Schools", order=1)
    deliverable = Deliverable.objects.filter(outcome__plan=plan).first()
    status = Status.objects.for_plan(plan).first()
    post_change(superuser_client, plan, {"name": MARKUP, "description": MARKUP})
    post_change(superuser_client, outcome, {"name": MARKUP, "description": MARKUP})
    post_change(superuser_client, theme, {"name": MARKUP})
    post_change(superuser_client, deliverable, {"title": MARKUP})
    post_change(superuser_client, cycle.ch6, {"title": MARKUP, "description": MARKUP})
    post_change(superuser_client, status, {"label": MARKUP})
    plan.refresh_from_db()
    outcome.refresh_from_db()
    theme.refresh_from_db()
    deliverable.refresh_from_db()
    status.refresh_from_db()
    action = Action.objects.get(pk=cycle.ch6.pk)
    assert [
        plan.name, plan.description, outcome.name, outcome.description, theme.name,
        deliverable.title, action.title, action.description, status.label,
    ] == [CLEAN] * 9  # fmt: skip


@pytest.mark.django_db
def test_inline_rows_in_the_admin_are_stored_without_markup(superuser_client, cycle):
    plan = cycle.plan
    outcome = StrategicOutcome.objects.filter(plan=plan).order_by("order").first()
    theme = Theme.objects.create(outcome=outcome, name="Schools", order=1)
    status = Status.objects.for_plan(plan).order_by("order").first()
    post_change(
        superuser_client, plan, {"outcomes-0-name": MARKUP, "outcomes-0-short_name": MARKUP}
    )
    post_change(superuser_client, outcome, {"themes-0-name": MARKUP})
    post_change(superuser_client, plan.scale, {"statuses-0-label": MARKUP})
    outcome.refresh_from_db()
    theme.refresh_from_db()
    status.refresh_from_db()
    assert [outcome.name, outcome.short_name, theme.name, status.label] == [CLEAN] * 4
    assert Plan.objects.get(pk=plan.pk).outcomes.count() == 2  # nothing else changed
