"""The plans a user may read, how actions are counted, the status colours and the icon."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from plans.audit import audit_refusal
from plans.forms import NotificationSettingsForm
from plans.models import HEX_COLOUR, AuditKind, Plan, Status, StrategicOutcome
from plans.permissions import needs_second_factor
from plans.second_factor import has_second_factor, recovery_codes_left
from plans.services import user_set_notification_frequency
from plans.statuses import PSEUDO


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every plan the user may read, with its outcomes and how much sits under each."""
    plans = (
        Plan.objects.visible_to(request.user)
        .annotate(
            action_count=Count("actions", distinct=True),
            period_count=Count("periods", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=StrategicOutcome.objects.with_counts().order_by("order", "name"),
            )
        )
    )
    return render(request, "plans/home.html", {"plans": plans, "nav_section": "plans"})


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account: who they are to the service, and how often it emails them."""
    user = request.user
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            user_set_notification_frequency(user, form.cleaned_data["notification_frequency"])
            messages.success(request, "Your email settings are saved.")
            return redirect("account")
    else:
        form = NotificationSettingsForm(
            initial={"notification_frequency": user.notification_frequency}
        )
    return render(
        request,
        "plans/account.html",
        {
            "form": form,
            "roles": user.groups.order_by("name"),
            "directorates": user.directorates.order_by("name"),
            "second_factor": has_second_factor(user),
            "second_factor_required": needs_second_factor(user),
            "recovery_codes_left": recovery_codes_left(user),
            "nav_section": "account",
        },
        status=400 if form.errors else 200,
    )


@require_GET
def counting(request: HttpRequest) -> HttpResponse:
    """How actions are counted: the rules of deliverables.rules in plain words."""
    return render(request, "counting.html", {"nav_section": "plans"})


@login_not_required
@require_GET
def status_css(request: HttpRequest) -> HttpResponse:
    """Each status's colours as a CSS class, so pages colour tags without inline styles.

    Public: it carries colours only, and the sign-in page uses the stylesheet too.
    """
    # A colour stored before validation covered every door is left out, not allowed to break
    # the stylesheet of every page (or to write CSS of its own).
    lines = [
        f".app-status--{s.pk}{{background-color:{s.colour};color:{s.text_colour};}}"
        for s in [*Status.objects.filter(~Q(colour="")), *PSEUDO.values()]
        if HEX_COLOUR.regex.fullmatch(s.colour)
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "max-age=300"
    return response


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever a page links: the static icon's address."""
    response = redirect(static("images/favicon.ico"))
    response["Cache-Control"] = "max-age=86400"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form posted without its security token (a forged post, or a page
    left open past its session) is recorded, then refused with a page that says what to do."""
    audit_refusal(AuditKind.CSRF_FAILED, f"Form refused: {reason}", request)
    request.refusal_recorded = True  # not again as a plain 403 (plans.middleware)
    return render(request, "403_csrf.html", status=403)
