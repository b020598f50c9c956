"""The register's suggestions as someone types a deliverable or lead officer (JSON)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from plans.access import plan_for
from reports import choices


@require_GET
def register_choices(request: HttpRequest, slug: str) -> JsonResponse:
    """?field=deliverable|lead_officer&q=words: at most choices.SUGGESTIONS matches, and
    whether there are more. Only a plan the reader may open (plan_for: 404 otherwise), and only
    its own deliverables and lead officers."""
    plan = plan_for(request.user, slug)
    field = request.GET.get("field", "")
    if field not in choices.FIELDS:
        return JsonResponse(
            {"error": f"field must be one of: {', '.join(choices.FIELDS)}."}, status=400
        )
    results, more = choices.suggestions(plan, field, request.GET.get("q", ""))
    response = JsonResponse({"results": results, "more": more})
    response["Cache-Control"] = "private, max-age=60"
    return response
