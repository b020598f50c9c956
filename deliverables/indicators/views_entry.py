"""An indicator's values in the quarterly cycle: the owner's entry page for a quarter (each
point due in it), withdrawing a submission, and an approver's approve and return."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deliverables.access import period_by_code
from deliverables.forms import DecisionForm, ReturnForm
from deliverables.indicators import points as pts
from deliverables.indicators import rag, services
from deliverables.indicators.access import (
    indicator_to_enter,
    value_for_decision,
    value_to_withdraw,
)
from deliverables.indicators.forms import ValueForm
from deliverables.indicators.permissions import can_return_value
from deliverables.indicators.readings import point_figures, rate_values
from deliverables.models import UpdateState
from deliverables.views.attempt import attempt
from deliverables.workflow import NotAllowed, StaleUpdate, WorkflowError
from plans.access import plan_for


def _editable(period, value) -> bool:
    return period.is_open and (value is None or value.state in ("draft", "returned"))


def _initial(value) -> dict:
    if value is None:
        return {"version": 0}
    # Figures are stored to four places: shown as typed, without the trailing zeros.
    return {
        "version": value.version,
        "value": _typed(value.value),
        "numerator": _typed(value.numerator),
        "denominator": _typed(value.denominator),
        "commentary": value.commentary,
        "forecast": _typed(value.forecast),
    }


def _typed(number) -> str | None:
    return None if number is None else f"{number.normalize():f}"


@require_http_methods(["GET", "POST"])
def indicator_entry(request: HttpRequest, slug: str, indicator: str, code: str) -> HttpResponse:
    """The owner's values for one indicator and quarter: a point each (a quarter, three months,
    or the year in Q4), saved as drafts together or submitted together for approval."""
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    item = indicator_to_enter(request.user, plan, indicator)
    points = pts.points_in_quarter(item.frequency, period.quarter)
    saved = services.values_of_quarter(item, period)
    rate_values(list(saved.values()))
    figures = point_figures(item, period.year, points, request.user)
    intent = request.POST.get("intent")
    submitting = intent == "submit"
    forms = {
        point: ValueForm(
            request.POST if request.method == "POST" else None,
            initial=_initial(saved.get(point)),
            indicator=item,
            year=period.year,
            point=point,
            submitting=submitting,
        )
        for point in points
        if _editable(period, saved.get(point))
    }
    conflict = None
    if request.method == "POST" and forms and all(f.is_valid() for f in forms.values()):
        try:
            saved_now = services.indicator_values_save(
                request.user,
                item,
                period.year,
                [form.entry() for form in forms.values()],
                submit=submitting,
            )
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except WorkflowError as error:
            form = forms.get(getattr(error, "point", None)) or next(iter(forms.values()))
            form.add_error(None, str(error))
            if isinstance(error, StaleUpdate):
                conflict = error.current
                if conflict is not None:
                    rate_values([conflict])
        else:
            done = "submitted for approval" if submitting else "saved as a draft"
            held = [v for v in saved_now if submitting and v.state == UpdateState.DRAFT]
            if held:
                names = ", ".join(pts.point_label(item.frequency, v.year, v.point) for v in held)
                done += f"; {names} kept as a draft until its figure is in"
            messages.success(request, f"{item.code} values for {period.label} {done}.")
            return redirect("deliverables:my_updates")
    rows = [
        {
            **_texts(item, saved.get(point), figures[point]),
            "point": point,
            "label": pts.point_label(item.frequency, period.year, point),
            "saved": saved.get(point),
            "form": forms.get(point),
            "figures": figures[point],
            "previous_label": pts.point_label(
                item.frequency, *pts.previous_point(item.frequency, period.year, point)
            ),
        }
        for point in points
    ]
    return render(
        request,
        "deliverables/indicator_value_form.html",
        {
            "plan": plan,
            "period": period,
            "indicator": item,
            "rows": rows,
            "forms": list(forms.values()),
            "year_label": pts.year_label(period.year),
            "conflict": conflict,
            "days_left": period.days_left(timezone.localdate()),
            "nav_section": "updates",
        },
    )


def _plain(number) -> str:
    """A numerator or denominator as typed: no trailing zeros, thousands separated."""
    if number is None:
        return ""
    return f"{number.normalize():,f}"


def _texts(indicator, saved, figures: dict) -> dict:
    """A point's figures written as the pages write them (rag.fmt)."""

    def fmt(number):
        return rag.fmt(number, indicator.decimals, indicator.unit)

    return {
        "target_text": fmt(figures["target"]),
        "previous_text": fmt(figures["previous"]),
        "forecast_text": fmt(saved.forecast) if saved else "",
        "fraction_text": f"{_plain(saved.numerator)} / {_plain(saved.denominator)}"
        if saved and saved.numerator is not None
        else "",
    }


def _entry_url(value) -> str:
    period = value.period
    return reverse(
        "deliverables:indicator_entry", args=[period.plan.slug, value.indicator.code, period.code]
    )


def _review_url(value) -> str:
    if value.period_id is None:
        return reverse("deliverables:review_index")
    return reverse("deliverables:review", args=[value.period.plan.slug, value.period.code])


@require_POST
def indicator_value_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner takes back a submitted value before it is decided."""
    value = value_to_withdraw(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The request could not be read: open the value and try again.")
    else:
        attempt(
            request,
            lambda: services.indicator_value_withdraw(
                request.user, value, expected_version=form.cleaned_data["version"]
            ),
            f"{value.indicator.code} submission withdrawn: it is your draft again. "
            "Change it and submit it when it is ready.",
        )
    if value.period_id is None:
        return redirect("deliverables:my_updates")
    return redirect(_entry_url(value))


@require_POST
def indicator_value_approve(request: HttpRequest, pk: int) -> HttpResponse:
    value = value_for_decision(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The approval could not be read: open the value and try again.")
        return redirect(_review_url(value))
    attempt(
        request,
        lambda: services.indicator_value_approve(
            request.user, value, expected_version=form.cleaned_data["version"]
        ),
        f"{value.indicator.code} value approved.",
    )
    return redirect(_review_url(value))


@require_http_methods(["GET", "POST"])
def indicator_value_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a value to its owner, with the reason they will see."""
    value = value_for_decision(request.user, pk)
    decided = value.state in ("submitted", "approved")
    if decided and not can_return_value(request.user, value):
        raise PermissionDenied("You cannot return this value.")
    after = _review_url(value)
    if request.method == "POST":
        form = ReturnForm(request.POST)
        returned = form.is_valid() and attempt(
            request,
            lambda: services.indicator_value_return(
                request.user,
                value,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
            f"{value.indicator.code} value returned to its owner.",
            form,
        )
        if returned:
            return redirect(after)
    else:
        form = ReturnForm(initial={"version": value.version})
    rate_values([value])
    return render(
        request,
        "deliverables/indicator_value_return.html",
        {
            "value": value,
            "plan": value.indicator.plan,
            "form": form,
            "returnable": decided and value.period_id is not None and value.period.is_open,
            "back": after,
            "nav_section": "review",
        },
    )
