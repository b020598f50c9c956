"""The API object, its errors and its paging: shared by every group of endpoints.

Errors answer in JSON with a `detail`: 401 (with `WWW-Authenticate: Bearer`) for a missing,
wrong or revoked token, 404 for a plan, period or report the token's account may not read (the
same answer as one that does not exist), 422 for a filter that is not valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from api.auth import TokenAuth
from api.schemas import PageParams
from deliverables.access import period_for
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod

api = NinjaAPI(
    title="Plan performance API",
    version="1",
    description="Read-only. Send a service account's token as `Authorization: Bearer <token>`; "
    "every answer is what that account would read on the pages.",
    auth=TokenAuth(),
    urls_namespace="api:v1",  # included inside the "api" namespace (api/urls.py)
    # No Swagger page: its script comes from a CDN our content security policy refuses.
    docs_url=None,
    openapi_url="/openapi.json",
)


class BadFilter(Exception):
    """A query parameter that is well formed but names nothing valid here."""


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "Send a valid API token as 'Authorization: Bearer <token>'."},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(BadFilter)
def bad_filter(request: HttpRequest, exc: BadFilter) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


def plan_of(request: HttpRequest, slug: str) -> Plan:
    """The plan the token's account may read (plans.access.plan_for), or 404."""
    try:
        return plan_for(request.user, slug)
    except Http404:
        raise Http404(f"No plan '{slug}' that this token may read.") from None


def period_of(plan: Plan, code: str | None) -> ReportingPeriod | None:
    """The period asked for, else the one the register opens on (deliverables.access)."""
    try:
        return period_for(plan, code, latest=True)
    except Http404:
        raise Http404(f"No period '{code}' in {plan.name}.") from None


def page(queryset: QuerySet | list, params: PageParams, convert: Callable[[object], dict]) -> dict:
    """One page of `queryset` (ordered by the caller, so paging is stable) and its total."""
    count = len(queryset) if isinstance(queryset, list) else queryset.count()
    rows: Iterable = queryset[params.offset : params.offset + params.limit]
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [convert(row) for row in rows],
    }
