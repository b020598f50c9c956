"""The API tokens' pages, for administrators: list, make (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from api.forms import TokenForm
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from plans.permissions import can_manage_api_tokens

CRUMBS = "Manage API tokens"


def _administrator(request: HttpRequest) -> None:
    if not can_manage_api_tokens(request.user):
        raise PermissionDenied("Only administrators manage API tokens.")


@require_GET
def tokens(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    rows = ApiToken.objects.select_related("user", "created_by", "revoked_by").prefetch_related(
        "user__groups", "user__directorates"
    )
    return render(request, "api/tokens.html", {"tokens": rows, "nav_section": "account"})


@require_http_methods(["GET", "POST"])
def token_new(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record, token = api_token_create(
            request.user, data["name"], data["role"], list(data["directorates"])
        )
        # Rendered, not redirected: the token is in this response only and is never stored.
        return render(
            request, "api/token_made.html", {"record": record, "token": token, "role": data["role"]}
        )
    return render(request, "api/token_new.html", {"form": form, "nav_section": "account"})


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _administrator(request)
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            api_token_revoke(request.user, token)
            messages.success(request, f"The token '{token.name}' is revoked: it is refused now.")
            return redirect("api:tokens")
        error = "Tick the box to confirm you want to revoke the token."
    return render(
        request,
        "api/token_revoke.html",
        {"token": token, "error": error, "nav_section": "account"},
        status=400 if error else 200,
    )


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any address under /api/ that is no endpoint (an id of the wrong shape included): the
    API's own JSON 404 with a `detail`, like every other API error, not an HTML page."""
    return JsonResponse(
        {"detail": "There is no such address in the API: see /api/openapi.json."}, status=404
    )
