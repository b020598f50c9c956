"""Actions with their readings for a period, and the updates behind them.

Nothing here decides who sees what: the readings come from deliverables.rules (with_statuses,
readable_q) for the token's account, and the filters are the action register's own
(reports.filters.RegisterFilter), so the API and the register cannot disagree.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from ninja import Query

from api.base import BadFilter, api, page, period_of, plan_of
from api.endpoints_plans import ERRORS, status_out
from api.schemas import ActionPage, PageParams, UpdatePage
from deliverables.models import QuarterlyUpdate, UpdateSource, UpdateState, ref_ordering
from deliverables.rules import in_scope, readable_q, with_statuses
from plans.models import Directorate, Plan, ReportingPeriod
from plans.statuses import Scale
from reports.filters import RegisterFilter, sort_order


def _directorate_id(code: str | None) -> str | None:
    """The register filters directorates by id; the API by their code, which a reader knows."""
    if code in (None, "", "none"):
        return code
    found = Directorate.objects.filter(code__iexact=code).values_list("pk", flat=True).first()
    if found is None:
        raise BadFilter(f"directorate: no directorate has the code '{code}'.")
    return str(found)


def _register_filter(plan: Plan, scale: Scale, actions: QuerySet, **values) -> QuerySet:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value not in (None, ""):
            data[name] = str(value)
    filterset = RegisterFilter(data, actions, plan=plan, scale=scale)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(str(e) for e in errors)}"
            for name, errors in filterset.errors.items()
        )
        raise BadFilter(problems)
    return filterset.qs


def _action_out(period: ReportingPeriod, scale: Scale):
    def convert(action) -> dict:
        directorate = action.directorate
        return {
            "id": action.pk,
            "ref": action.ref,
            "title": action.title,
            "directorate": {"code": directorate.code, "name": directorate.name}
            if directorate
            else None,
            "lead_officer": str(action.lead_officer) if action.lead_officer else "",
            "lead_role": action.lead_role,
            "start_date": action.start_date,
            "due_date": action.due_date,
            "period": period.code,
            "status": status_out(scale.get(action.status_now)),
            "previous_status": status_out(scale.get(action.status_before)),
            "commentary": action.commentary_now,
        }

    return convert


@api.get("/actions", response={200: ActionPage, **ERRORS}, tags=["actions"])
def actions(
    request: HttpRequest,
    plan: str,
    paging: Query[PageParams],
    period: str | None = None,
    outcome: int | None = None,
    theme: int | None = None,
    deliverable: int | None = None,
    directorate: str | None = None,
    status: str | None = None,
    rag: str | None = None,
):
    """The plan's actions in a period (by default the latest that has opened, as the register
    opens), each with its status, previous status and commentary as the token's account reads
    them. `directorate`: a directorate's code, or `none`; `status`: a status id from
    /plans/{slug}, or `none` for not yet updated; `rag`: red, amber, green, blue or grey."""
    found = plan_of(request, plan)
    reading = period_of(found, period)
    if reading is None:
        return page([], paging, lambda row: row)
    scale = Scale.of(found)
    queryset = with_statuses(
        in_scope(found, reading), reading, reading.previous(), scale, request.user, commentary=True
    )
    queryset = _register_filter(
        found,
        scale,
        queryset,
        outcome=outcome,
        theme=theme,
        deliverable=deliverable,
        directorate=_directorate_id(directorate),
        status=status,
        rag=rag,
    )
    queryset = queryset.select_related("directorate", "lead_officer").order_by(
        *sort_order("ref")[1]
    )
    return page(queryset, paging, _action_out(reading, scale))


def _update_out(scale: Scale):
    def convert(update) -> dict:
        return {
            "id": update.pk,
            "action": {
                "id": update.action_id,
                "ref": update.action.ref,
                "title": update.action.title,
            },
            "period": update.period.code,
            "state": update.state,
            "written_at_close": update.source == UpdateSource.CLOSE,
            "status": status_out(scale.get(update.status_id)),
            "commentary": update.commentary,
            "submitted_at": update.submitted_at,
            "approved_at": update.approved_at,
            "updated_at": update.updated_at,
        }

    return convert


@api.get("/updates", response={200: UpdatePage, **ERRORS}, tags=["actions"])
def updates(
    request: HttpRequest,
    plan: str,
    paging: Query[PageParams],
    period: str | None = None,
    directorate: str | None = None,
    status: int | None = None,
    state: UpdateState | None = None,
):
    """The plan's updates the token's account may read, newest period first: approved ones for
    everyone; drafts, submitted and returned ones only for accounts that see that action's work
    in progress (deliverables.rules.readable_q). `status`: a status id; `state`: draft,
    submitted, returned or approved."""
    found = plan_of(request, plan)
    queryset = QuarterlyUpdate.objects.filter(action__plan=found).filter(readable_q(request.user))
    if period:
        reading = period_of(found, period)
        queryset = queryset.filter(period=reading)
    directorate_id = _directorate_id(directorate)
    if directorate_id == "none":
        queryset = queryset.filter(action__directorate__isnull=True)
    elif directorate_id:
        queryset = queryset.filter(action__directorate_id=directorate_id)
    scale = Scale.of(found)
    if status is not None:
        if status not in {s.pk for s in scale.statuses}:
            raise BadFilter(f"status: {status} is not a status of {found.name}'s scale.")
        queryset = queryset.filter(status_id=status)
    if state:
        queryset = queryset.filter(state=state)
    queryset = queryset.select_related("action", "period").order_by(
        "-period__year", "-period__quarter", "-period__month", *ref_ordering("action__")
    )
    return page(queryset, paging, _update_out(scale))
