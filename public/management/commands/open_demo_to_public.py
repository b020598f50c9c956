"""Open the demo's Corporate Plan to the public: `python manage.py open_demo_to_public`.

Run by `make run` after load_sandwell, so a resident's view is there to try at /public/. As
the demo performance-team user it publishes Q3 2023/24's exception report (which publishes
the closed quarter) unless the quarter is already published, then switches the plan's public
pages on. A second run changes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from plans.models import PeriodState, Plan, User
from public.services import plan_public_set
from reports.services import report_publish, report_start

PLAN = "corporate-plan-2021-25"
PERIOD = "2023-24-Q3"
PERFORMANCE_USER = "performance"  # load_sandwell --demo-users


class Command(BaseCommand):
    help = "Publish the demo Corporate Plan's Q3 2023/24 and switch its public pages on."

    def handle(self, *args, **options) -> None:
        plan = Plan.objects.filter(slug=PLAN).first()
        if plan is None:
            raise CommandError(f"No plan '{PLAN}': run `manage.py load_sandwell` first.")
        user = User.objects.filter(username=PERFORMANCE_USER, is_active=True).first()
        if user is None:
            raise CommandError(
                f"No demo user '{PERFORMANCE_USER}': run `manage.py load_sandwell --demo-users`."
            )
        period = plan.periods.by_code(PERIOD).first()
        if period is None:
            raise CommandError(f"{plan.name} has no period {PERIOD}.")
        if period.state == PeriodState.PUBLISHED:
            self.stdout.write(f"{plan.name}: {period.label} is already published.")
        elif period.state == PeriodState.CLOSED:
            # The draft in progress, or a new version; publishing it publishes the quarter.
            report = report_publish(user, report_start(user, period))
            self.stdout.write(
                f"{plan.name}: {period.label} exception report version {report.version} "
                "published, and the quarter with it."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"{plan.name}: {period.label} is {period.get_state_display().lower()}, so "
                    "it is not published: close it to publish it."
                )
            )
        changed = plan_public_set(user, plan, True)
        state = "switched on" if changed else "already on"
        self.stdout.write(
            self.style.SUCCESS(f"{plan.name}: public pages {state}, at /public/{plan.slug}/")
        )
