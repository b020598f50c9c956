"""Load Sandwell Council's real plans: `python manage.py load_sandwell [--demo-users]`.

Idempotent: a second run finds everything in place and changes nothing. The data ships in
fixtures/ (the project never reads ../shared at run time):
- fixtures/sandwell/*.json: directorates, each plan's outcomes, themes, status scale, periods;
  for the plans that come as documents (Improvement Plan 2022, Children's Services 2018-21)
  also their actions, milestones, recommendations and golden-thread links
  (deliverables.plan_content);
- fixtures/legacy/*.xlsx: the council's tracker workbooks, loaded through the same importer
  admins use for legacy spreadsheets;
- fixtures/sandwell/indicators.json: indicators built from the figures the tracker's
  commentary gives, each linked to the action whose commentary gives it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from deliverables import services
from deliverables.indicators.demo import indicators_load, indicators_take_owners
from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    ImportStatus,
    Milestone,
    QuarterlyUpdate,
)
from deliverables.models.links import ActionContribution, Recommendation
from deliverables.plan_content import plan_content_sync
from deliverables.tracker.services import tracker_import
from plans import roles
from plans.models import (
    Directorate,
    PeriodState,
    Plan,
    Theme,
    User,
    long_date,
)
from plans.services import directorates_sync, plan_sync

# The Corporate Plan first: the Children's Services plan's golden-thread links point into it.
PLAN_FILES = [
    "corporate-plan-2021-25.json",
    "council-plan-2024-30.json",
    "improvement-plan-2022.json",
    "childrens-services-2018-21.json",
]
DEMO_DAYS_TO_DEADLINE = 14

# Demo sign-ins, printed by `make run`. Never created unless --demo-users is given.
DEMO_PASSWORD = "sandwell-demo-2026"  # noqa: S105 - a published demo password
DEMO_PEOPLE = [
    # username, first name, last name, role, directorate code, job title
    ("admin", "Alex", "Morgan", roles.ADMINISTRATOR, None, "System administrator"),
    ("performance", "Priya", "Kaur", roles.PERFORMANCE_TEAM, None, "Corporate performance officer"),
    ("viewer", "Sam", "Taylor", roles.VIEWER, None, "Scrutiny committee member"),
]
_OFFICERS = {
    "CH": (("Jordan", "Bennett"), ("Hannah", "Ellis")),
    "PH": (("Imran", "Hussain"), ("Grace", "Okafor")),
    "ASC": (("Megan", "Price"), ("Daniel", "Walsh")),
    "BE": (("Tom", "Richards"), ("Aisha", "Begum")),
    "R": (("Chris", "Evans"), ("Laura", "Hughes")),
    "H": (("Ravi", "Patel"), ("Emma", "Clarke")),
    "ACE": (("Zara", "Ahmed"), ("Mark", "Turner")),
    "LG": (("Lucy", "Green"), ("Owen", "Davies")),
    "F": (("Ben", "Carter"), ("Nadia", "Rahman")),
}
for _code, ((_of, _ol), (_af, _al)) in _OFFICERS.items():
    DEMO_PEOPLE.append(
        (f"officer.{_code.lower()}", _of, _ol, roles.LEAD_OFFICER, _code, "Lead officer")
    )
    DEMO_PEOPLE.append(
        (f"ad.{_code.lower()}", _af, _al, roles.APPROVER, _code, "Assistant Director")
    )


def _plural(label: str) -> str:
    label = label.lower()
    return f"{label[:-1]}ies" if label.endswith("y") else f"{label}s"


class Command(BaseCommand):
    help = (
        "Load Sandwell's Corporate Plan 2021-25, Council Plan 2024-30, Improvement Plan 2022 "
        "and Children's Services Business Plan 2018-21 (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also create a demo user for each role and make them leads of the actions.",
        )
        parser.add_argument(
            "--not-production",
            action="store_true",
            help="Allow --demo-users with debug off: say this database is not production.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load the plans only when the database has no plan yet.",
        )
        parser.add_argument(
            "--fixtures",
            default=str(Path(settings.BASE_DIR) / "fixtures"),
            help="Folder holding sandwell/ and legacy/ (default: the project's fixtures/).",
        )

    def handle(self, *args, **options) -> None:
        # The demo users include a superuser whose password is published in the README.
        if options["demo_users"] and not (settings.DEBUG or options["not_production"]):
            raise CommandError(
                "--demo-users creates a superuser with a published password, so it runs only "
                "with DJANGO_DEBUG=1 (as `make run` does) or with --not-production. "
                "Nothing was loaded."
            )
        fixtures = Path(options["fixtures"])
        if options["if_empty"] and Plan.objects.exists():
            self.stdout.write("Plans are already loaded; nothing to do.")
        else:
            self.load_plans(fixtures)
        if options["demo_users"]:
            self.load_demo_users()

    def load_plans(self, fixtures: Path) -> None:
        directorate_file = fixtures / "sandwell" / "directorates.json"
        if not directorate_file.exists():
            raise CommandError(f"{directorate_file} is missing")
        spec = json.loads(directorate_file.read_text(encoding="utf-8"))
        counts = directorates_sync(spec["directorates"])
        self.stdout.write(
            f"Directorates: {Directorate.objects.count()} ({counts.created['directorates']} new)"
        )
        for name in PLAN_FILES:
            spec = json.loads((fixtures / "sandwell" / name).read_text(encoding="utf-8"))
            self.load_plan(fixtures, spec)
        indicator_file = fixtures / "sandwell" / "indicators.json"
        if indicator_file.exists():
            loaded = indicators_load(json.loads(indicator_file.read_text(encoding="utf-8")))
            self.stdout.write(f"Indicators: {loaded.line()}")

    def load_plan(self, fixtures: Path, spec: dict) -> None:
        with transaction.atomic():
            plan, counts = plan_sync(spec)
            for tracker in spec.get("trackers", []):
                path = fixtures / tracker["file"]
                # The same recorded import admins run on legacy spreadsheets.
                record = tracker_import(
                    None,
                    plan,
                    tracker["period"],
                    path.read_bytes(),
                    path.name,
                    source="load_sandwell",
                    record_no_change=False,
                )
                if record.status not in (ImportStatus.APPLIED, ImportStatus.DRY_RUN):
                    raise CommandError(f"{path.name}: {record.message or record.status}")
                created = record.summary["created"]
                self.stdout.write(
                    f"  {path.name} -> {tracker['period']}: {record.summary['rows']} rows; new "
                    f"{created['outcomes']} outcomes, {created['deliverables']} deliverables, "
                    f"{created['actions']} actions, {created['updates']} updates; "
                    f"{len(record.summary['warnings'])} warnings, "
                    f"{len(record.summary['errors'])} rows not placed"
                )
            aspirations = {
                (outcome["name"], theme.get("name")): theme.get("aspirations", [])
                for outcome in spec.get("outcomes", [])
                for theme in outcome.get("themes", [])
            }
            moved = services.deliverables_place_in_themes(plan, aspirations)
            # Actions, milestones, recommendations and links written out in the spec itself
            # (the plans that come as documents, not tracker workbooks).
            counts.merge(plan_content_sync(plan, spec))
        new = sum(counts.created.values())
        self.stdout.write(self.style.SUCCESS(f"{plan.name}: {self.totals(plan)}"))
        self.stdout.write(
            f"  this run: {new} plan rows created, {sum(counts.updated.values())} changed, "
            f"{moved} deliverables placed under themes"
        )

    def totals(self, plan: Plan) -> str:
        outcomes = plan.outcomes.count()
        themes = Theme.objects.filter(outcome__plan=plan).count()
        deliverables = Deliverable.objects.filter(outcome__plan=plan).count()
        actions = Action.objects.filter(plan=plan).count()
        placements = ActionPlacement.objects.filter(action__plan=plan).count()
        updates = QuarterlyUpdate.objects.filter(action__plan=plan).count()
        milestones = Milestone.objects.filter(action__plan=plan).count()
        recommendations = Recommendation.objects.filter(plan=plan).count()
        contributions = ActionContribution.objects.filter(action__plan=plan).count()
        return (
            f"{outcomes} {_plural(plan.outcome_label)}, {themes} {_plural(plan.theme_label)}, "
            f"{deliverables} deliverables, "
            f"{actions} actions ({placements} placements), {milestones} milestones, "
            f"{recommendations} recommendations, {contributions} contributions to other plans, "
            f"{updates} {plan.period_word} updates"
        )

    def open_demo_month(self, performance: User) -> None:
        """Open July 2022 of the Improvement Plan (the first month after Council approved it),
        so the demo shows the monthly cycle and its milestones."""
        plan = Plan.objects.filter(slug="improvement-plan-2022").first()
        if plan is None or plan.periods.exclude(state=PeriodState.UPCOMING).exists():
            return
        period = plan.periods.filter(year=2022, quarter=2, month=1).first()
        if period is None:
            return
        due_on = timezone.localdate() + dt.timedelta(days=DEMO_DAYS_TO_DEADLINE)
        services.period_open(performance, period, due_on=due_on)
        self.stdout.write(
            f"{plan.name}: {period.label} opened for updates, due {long_date(due_on)}."
        )

    def open_demo_quarter(self, performance: User) -> None:
        """Open the quarter after the loaded one, so officers have updates to enter."""
        plan = Plan.objects.filter(slug="corporate-plan-2021-25").first()
        if plan is None or plan.periods.filter(year=2023, quarter=4).exists():
            return
        if plan.periods.open().exists():
            return
        period = services.period_create(performance, plan, 2023, 4)
        due_on = timezone.localdate() + dt.timedelta(days=DEMO_DAYS_TO_DEADLINE)
        services.period_open(performance, period, due_on=due_on)
        self.stdout.write(
            f"{plan.name}: {period.label} opened for updates, due {long_date(due_on)}."
        )

    @transaction.atomic
    def load_demo_users(self) -> None:
        directorates = {d.code: d for d in Directorate.objects.all()}
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLES)}
        people: dict[str, User] = {}
        created = 0
        for username, first, last, role, code, job_title in DEMO_PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    job_title=job_title,
                    is_staff=role in roles.STAFF_ROLES,
                    is_superuser=role == roles.ADMINISTRATOR,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                created += 1
            user.groups.add(groups[role])
            if code and code in directorates:
                user.directorates.add(directorates[code])
            people[username] = user
        led = 0
        for code, directorate in directorates.items():
            officer = people.get(f"officer.{code.lower()}")
            approver = people.get(f"ad.{code.lower()}")
            if officer:
                led += Action.objects.filter(directorate=directorate, lead_officer=None).update(
                    lead_officer=officer
                )
            if approver:
                Action.objects.filter(directorate=directorate, approver=None).update(
                    approver=approver
                )
        owned = indicators_take_owners()
        self.stdout.write(
            f"Demo users: {created} new; {led} actions given a demo lead officer; "
            f"{owned} indicators given their action's lead officer."
        )
        self.open_demo_quarter(people["performance"])
        self.open_demo_month(people["performance"])
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
        for username, _first, _last, role, code, _title in DEMO_PEOPLE:
            if code in (None, "CH"):
                where = f", {directorates[code].name}" if code in directorates else ""
                self.stdout.write(f"  {username:<14} {role}{where}")
        self.stdout.write(
            "  officer.<dir> / ad.<dir> for the other directorates: ph asc be r h ace lg f"
        )
        self.stdout.write(
            "  admin and performance set up an authenticator app when they first sign in."
        )
