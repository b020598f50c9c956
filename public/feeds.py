"""Atom feeds of published reports: every public plan's, and one plan's.

An entry is a published report (either kind) of a public period of a public plan
(public.opendata.feed_reports, through public.rules), newest first, linking to its public page,
with the period's counts as everyone reads them. No one's name is in a feed: Atom's author is
the council.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from plans.models import Plan
from public import opendata
from public.cache import cached_response, generation
from public.decorators import public_view
from public.rules import public_plan_for, public_plans
from reports.models import ExceptionReport

ENTRIES = 50


class ReportFeed(Feed):
    feed_type = Atom1Feed

    def __init__(self, plan: Plan | None = None) -> None:
        super().__init__()
        self.plan = plan
        self._totals: dict[int, dict] = {}  # a period's counts once, however many versions

    def title(self) -> str:
        if self.plan is not None:
            return f"{self.plan.name}: published reports"
        return f"{settings.COUNCIL_NAME}: published performance reports"

    def link(self) -> str:
        return reverse("public:data_dictionary")

    def subtitle(self) -> str:
        return "Reports published to the public, newest first. " + opendata.ATTRIBUTION

    def author_name(self) -> str:
        return settings.COUNCIL_NAME

    def feed_copyright(self) -> str:
        return opendata.ATTRIBUTION

    def items(self) -> list[ExceptionReport]:
        return list(opendata.feed_reports(self.plan).defer("snapshot")[:ENTRIES])

    def item_title(self, item: ExceptionReport) -> str:
        return (
            f"{item.plan.name}: {item.get_kind_display()} {item.period.label} "
            f"(version {item.version})"
        )

    def item_link(self, item: ExceptionReport) -> str:
        return reverse("public:report", args=[item.plan.slug, item.pk])

    def item_pubdate(self, item: ExceptionReport):
        return item.published_at

    def item_updateddate(self, item: ExceptionReport):
        return item.published_at

    def item_author_name(self, item: ExceptionReport) -> str:
        return settings.COUNCIL_NAME

    def item_description(self, item: ExceptionReport) -> str:
        if item.period_id not in self._totals:
            self._totals[item.period_id] = opendata.totals(item.plan, item.period)["plan"]
        counts = self._totals[item.period_id]
        words = ", ".join(f"{n} {label}" for label, n in counts["by_status"].items() if n)
        return f"{item.period.label}: {counts['total']} actions ({words or 'none reported'})."


def _atom(request: HttpRequest, plan: Plan | None) -> HttpResponse:
    response = ReportFeed(plan)(request)
    response["Link"] = f'<{opendata.LICENCE["url"]}>; rel="license"'
    return response


@public_view
def feed(request: HttpRequest) -> HttpResponse:
    """Every public plan's published reports. Cached under every public plan's generation, so
    a publish (or a plan's pages switched on or off) makes a new feed at once."""
    plans = list(public_plans().order_by("pk").values_list("pk", flat=True))
    parts = ("public:feed", request.get_host(), *[f"{pk}.{generation(pk)}" for pk in plans])
    return cached_response(0, parts, lambda: _atom(request, None))


@public_view
def plan_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """One public plan's published reports."""
    plan = public_plan_for(slug)
    return cached_response(
        plan.pk, ("public:plan_feed", request.get_host()), lambda: _atom(request, plan)
    )
