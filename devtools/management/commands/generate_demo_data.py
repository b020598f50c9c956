"""Synthetic council plans of any size, for measuring: `bench` runs on what this makes.

    python manage.py generate_demo_data --actions 5000 --years 10 [--plans 1] [--seed 1]
        [--indicators 500 --indicator-years 10]
    python manage.py generate_demo_data --size county    # all of the above

Each plan has Sandwell's shape: seven strategic outcomes with their themes, deliverables
(about one per three actions, half of them under a theme), actions with directorate-prefixed
references spread over the nine directorates, one in ten linked to a second deliverable and
a few placed straight under a theme, lead officers and an approver per directorate. Each
action has an update for every quarter from the one it started in, its status moving the
way statuses move (mostly staying put, slipping sometimes, recovering, now and then
completing) with
commentary of council length; an action stops owing updates once Complete. Every quarter is
closed except the last, which is open with most updates in. The same seed makes the same
data. Rows are written with bulk inserts: 5,000 actions over ten years (about 190,000
updates) take about half a minute on SQLite. Update history rows are not generated.

--indicators adds that many indicators with --indicator-years of values (devtools.indicators):
500 over ten years, mostly monthly, make about 50,000 values.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
)
from devtools.indicators import make_indicators
from plans import roles
from plans.models import Directorate, PeriodState, Plan, ReportingPeriod, Status, Theme, User
from plans.refs import normalise_ref, ref_order
from plans.services import directorates_sync, plan_sync

DEMO_PASSWORD = "generated-demo-2026"  # noqa: S105 - synthetic users on a demo database
BATCH = 5_000
LAST_YEAR = 2025  # the newest financial year generated: 2025/26
# Named sizes: what "a county" means wherever the docs measure one.
SIZES = {
    "county": {"actions": 5_000, "years": 10, "indicators": 500, "indicator_years": 10},
    # Issue 18's "beyond county": four times the county's actions over the same ten years, so
    # bench's growth county -> large is 4x the data at the same depth of history.
    "large": {"actions": 20_000, "years": 10, "indicators": 2_000, "indicator_years": 10},
}
DEFAULTS = {"actions": 250, "years": 2, "indicators": 0, "indicator_years": None}
_TEXT = (
    "the service continues to work with partners to deliver the programme and has completed "
    "the review of provision procurement is under way funding has been secured from the "
    "combined authority consultation with residents closed and the report to cabinet is "
    "scheduled for the next quarter risks remain around staffing capacity recruitment and "
    "rising costs which are being managed through the directorate risk register while the "
    "project board monitors delivery milestones against the agreed plan"
)
_WORDS = _TEXT.split()
# Quarter-to-quarter movement between the Sandwell statuses, by label.
_MOVES = {
    "On Track": {"On Track": 86, "Medium Issue/Slippage": 10, "Complete": 0.6, "No Update": 2,
                 "Significant issues/risks/slippage": 1},
    "Medium Issue/Slippage": {"On Track": 40, "Medium Issue/Slippage": 45, "Complete": 1,
                              "Significant issues/risks/slippage": 10, "No Update": 2},
    "Significant issues/risks/slippage": {"Significant issues/risks/slippage": 50,
                                          "Medium Issue/Slippage": 35, "On Track": 13,
                                          "No Update": 2},
    "No Update": {"On Track": 60, "Medium Issue/Slippage": 25, "No Update": 10,
                  "Significant issues/risks/slippage": 5},
}  # fmt: skip
_FIRST = {"On Track": 70, "Medium Issue/Slippage": 20, "Significant issues/risks/slippage": 5,
          "No Update": 5}  # fmt: skip


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return (" ".join(words)).capitalize() + "."


class Command(BaseCommand):
    help = "Generate synthetic plans with N actions and Y years of quarterly updates."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--size",
            choices=sorted(SIZES),
            help="a named size (county: 5,000 actions; large: 20,000)",
        )
        parser.add_argument("--actions", type=int, help="actions per plan (default 250)")
        parser.add_argument("--years", type=int, help="years of quarterly updates (default 2)")
        parser.add_argument("--indicators", type=int, help="indicators per plan (default 0)")
        parser.add_argument(
            "--indicator-years", type=int, help="years of indicator values (default: --years)"
        )
        parser.add_argument("--plans", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        # A number given on the command line wins over the named size's.
        size = {**DEFAULTS, **SIZES.get(options["size"] or "", {})}
        for name in size:
            if options[name] is not None:
                size[name] = options[name]
        actions, years, plans = size["actions"], size["years"], options["plans"]
        indicators = size["indicators"]
        indicator_years = size["indicator_years"] or years
        if not 1 <= actions <= 100_000 or not 1 <= years <= 30 or not 1 <= plans <= 100:
            raise CommandError("Use 1-100,000 actions, 1-30 years and 1-100 plans.")
        if not 0 <= indicators <= 10_000 or not 1 <= indicator_years <= 30:
            raise CommandError("Use 0-10,000 indicators and 1-30 years of their values.")
        started = time.perf_counter()
        base = json.loads(
            (Path(settings.BASE_DIR) / "fixtures/sandwell/corporate-plan-2021-25.json").read_text()
        )
        directorates_sync(
            json.loads(
                (Path(settings.BASE_DIR) / "fixtures/sandwell/directorates.json").read_text()
            )["directorates"]
        )
        password = make_password(DEMO_PASSWORD)
        for number in range(1, plans + 1):
            slug = f"demo-{actions}x{years}-{number}"
            if Plan.objects.filter(slug=slug).exists():
                raise CommandError(f"{slug} exists already: nothing was generated.")
            rng = random.Random(f"{options['seed']}-{number}")  # noqa: S311 - demo data
            with transaction.atomic():
                counts = self.generate(base, slug, number, actions, years, rng, password)
                self.stdout.write(
                    f"{slug}: {counts['deliverables']:,} deliverables, {actions:,} actions, "
                    f"{counts['placements']:,} placements, {counts['periods']} quarters, "
                    f"{counts['updates']:,} updates, {counts['users']} officers"
                )
                if indicators:
                    timer = time.perf_counter()
                    made = make_indicators(
                        counts["plan"], indicators, indicator_years, LAST_YEAR,
                        counts["people"], counts["quarters"], rng,
                    )  # fmt: skip
                    self.stdout.write(
                        f"{slug}: {made['indicators']:,} indicators, {made['targets']:,} "
                        f"targets, {made['values']:,} values, {made['comparators']:,} "
                        f"comparators in {time.perf_counter() - timer:.1f} s"
                    )
        self.stdout.write(f"Generated in {time.perf_counter() - started:.1f} s.")

    def generate(self, base, slug, number, action_count, years, rng, password) -> dict[str, int]:
        plan, statuses, periods = self.plan_frame(base, slug, number, action_count, years)
        themes = list(Theme.objects.filter(outcome__plan=plan).select_related("outcome"))
        outcomes = list(plan.outcomes.order_by("order"))
        directorates = list(Directorate.objects.order_by("code"))
        officers, approvers = self.people(slug, action_count, directorates, rng, password)
        deliverables = self.deliverables(outcomes, themes, action_count, rng)
        actions, placements = self.actions(
            plan, action_count, directorates, officers, approvers, deliverables, themes, rng
        )
        written = self.histories(actions, periods, statuses, rng)
        return {
            "plan": plan,
            "people": (officers, directorates, actions),
            "quarters": periods,
            "deliverables": len(deliverables),
            "placements": len(placements),
            "periods": len(periods),
            "updates": written,
            "users": len(officers),
        }

    def plan_frame(self, base, slug, number, action_count, years):
        """The plan, its scale and its quarters: all closed but the newest, open and due."""
        first_year = LAST_YEAR - years + 1
        codes = [
            f"{year}-{(year + 1) % 100:02d}-Q{quarter}"
            for year in range(first_year, LAST_YEAR + 1)
            for quarter in (1, 2, 3, 4)
        ]
        spec = {
            "plan": {
                **base["plan"],
                "name": f"Demo plan {number} ({action_count:,} actions, {years} years)",
                "slug": slug,
                "first_year": first_year,
                "last_year": LAST_YEAR,
                "description": "Synthetic data made by generate_demo_data, for measuring.",
            },
            "scale": {**base["scale"], "name": f"{slug} scale"},
            "outcomes": base["outcomes"],
            "periods": [
                {
                    "code": code,
                    "state": PeriodState.OPEN if code == codes[-1] else PeriodState.CLOSED,
                }
                for code in codes
            ],
        }
        plan, _ = plan_sync(spec)
        statuses = {s.label: s for s in Status.objects.for_plan(plan)}
        periods = list(ReportingPeriod.objects.for_plan(plan).chronological())
        ReportingPeriod.objects.filter(pk=periods[-1].pk).update(
            due_on=timezone.localdate() + timezone.timedelta(days=14)
        )
        return plan, statuses, periods

    def people(self, slug, action_count, directorates, rng, password):
        # People: lead officers spread over the directorates, an approver for each.
        lead_role = Group.objects.get(name=roles.LEAD_OFFICER)
        approver_role = Group.objects.get(name=roles.APPROVER)
        officer_count = max(5, action_count // 12)
        people = User.objects.bulk_create(
            [
                User(
                    username=f"{slug}.officer.{index:05d}",
                    first_name=rng.choice(["Amrit", "Bola", "Chris", "Dana", "Eilidh", "Femi"]),
                    last_name=f"Officer {index}",
                    password=password,
                )
                for index in range(officer_count)
            ]
            + [
                User(
                    username=f"{slug}.approver.{d.code.lower()}",
                    password=password,
                    first_name="Approver",
                    last_name=d.name,
                )
                for d in directorates
            ]
        )
        officers, approvers = people[:officer_count], people[officer_count:]
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=lead_role.pk) for u in officers]
            + [User.groups.through(user_id=u.pk, group_id=approver_role.pk) for u in approvers]
        )
        User.directorates.through.objects.bulk_create(
            [
                User.directorates.through(
                    user_id=u.pk, directorate_id=directorates[i % len(directorates)].pk
                )
                for i, u in enumerate(officers)
            ]
            + [
                User.directorates.through(user_id=u.pk, directorate_id=d.pk)
                for u, d in zip(approvers, directorates, strict=True)
            ]
        )
        return officers, approvers

    def deliverables(self, outcomes, themes, action_count, rng):
        # Deliverables: about one for every three actions, half of them under a theme.
        deliverables = []
        for index in range(max(7, action_count // 3)):
            outcome = outcomes[index % len(outcomes)]
            own_themes = [t for t in themes if t.outcome_id == outcome.pk]
            ref = f"{'BLSQJHC'[index % 7]}{index // 7 + 1}"
            deliverables.append(
                Deliverable(
                    outcome=outcome,
                    theme=rng.choice(own_themes) if own_themes and rng.random() < 0.5 else None,
                    ref=ref,
                    ref_normalised=normalise_ref(ref),
                    title="We will " + _sentence(rng, 10, 28).lower(),
                    order=index,
                )
            )
        deliverables = Deliverable.objects.bulk_create(deliverables, batch_size=BATCH)
        return deliverables

    def actions(
        self, plan, action_count, directorates, officers, approvers, deliverables, themes, rng
    ):
        officer_count = len(officers)
        # Actions, and where they sit in the plan.
        actions = []
        for index in range(action_count):
            directorate = directorates[index % len(directorates)]
            ref = f"{directorate.code}{index // len(directorates) + 1}"
            actions.append(
                Action(
                    plan=plan,
                    ref=ref,
                    ref_normalised=normalise_ref(ref),
                    ref_order=ref_order(ref),
                    title=_sentence(rng, 8, 30),
                    directorate=directorate,
                    lead_officer=officers[index % officer_count],
                    approver=approvers[index % len(directorates)],
                )
            )
        actions = Action.objects.bulk_create(actions, batch_size=BATCH)
        placements = []
        for index, action in enumerate(actions):
            if rng.random() < 0.03:
                theme = rng.choice(themes)
                placements.append(
                    ActionPlacement(action=action, outcome_id=theme.outcome_id, theme=theme)
                )
                continue
            first = deliverables[index % len(deliverables)]
            chosen = [first]
            if rng.random() < 0.1:
                second = rng.choice(deliverables)
                if second.pk != first.pk:
                    chosen.append(second)
            placements += [
                ActionPlacement(action=action, outcome_id=d.outcome_id, deliverable=d, order=i)
                for i, d in enumerate(chosen)
            ]
        ActionPlacement.objects.bulk_create(placements, batch_size=BATCH)
        return actions, placements

    def histories(self, actions, periods, statuses, rng) -> int:
        """A status history per action, quarter by quarter, until it completes."""
        now = timezone.now()
        updates, written = [], 0
        completed: dict[int, list[int]] = {}  # quarter -> actions completed in it
        started_late: dict[int, list[int]] = {}  # first quarter -> actions reported from it
        last = len(periods) - 1
        for action in actions:
            start = rng.randint(0, max(0, last // 2)) if rng.random() < 0.1 else 0
            if start:  # not counted (as No Update) in the quarters before it started
                started_late.setdefault(periods[start].pk, []).append(action.pk)
            history, done = _history(action, periods[start:], last - start, statuses, rng, now)
            updates += history
            if done is not None:
                completed.setdefault(done.pk, []).append(action.pk)
            if len(updates) >= BATCH:
                QuarterlyUpdate.objects.bulk_create(updates)
                written += len(updates)
                updates = []
        QuarterlyUpdate.objects.bulk_create(updates)
        written += len(updates)
        for field_name, groups in (
            ("completed_in_id", completed),
            ("reported_from_id", started_late),
        ):
            for period_pk, action_pks in groups.items():
                for chunk in range(0, len(action_pks), 900):
                    Action.objects.filter(pk__in=action_pks[chunk : chunk + 900]).update(
                        **{field_name: period_pk}
                    )
        return written


def _history(action, periods, last: int, statuses, rng, now) -> tuple[list, object]:
    """One action's updates from its first quarter, and the quarter it completed in (or None).
    `last` is the position of the open quarter in `periods`."""
    updates = []
    label = _pick(rng, _FIRST)
    for position, period in enumerate(periods):
        if position > 0:
            label = _pick(rng, _MOVES[label])
        is_open = position == last
        if is_open and rng.random() < 0.25:
            break  # not in yet
        status = statuses[label]
        state = UpdateState.APPROVED
        if is_open:
            state = rng.choice(
                [
                    UpdateState.DRAFT,
                    UpdateState.SUBMITTED,
                    UpdateState.SUBMITTED,
                    UpdateState.APPROVED,
                ]
            )
        updates.append(
            QuarterlyUpdate(
                action=action,
                period=period,
                status=status,
                commentary=_sentence(rng, 20, 180) if label != "No Update" else "",
                state=state,
                source=UpdateSource.IMPORTED if not is_open else UpdateSource.ENTERED,
                version=1,
                updated_by=action.lead_officer,
                submitted_at=now if state != UpdateState.DRAFT else None,
                approved_at=now if state == UpdateState.APPROVED else None,
                approved_by=action.approver if state == UpdateState.APPROVED else None,
            )
        )
        if status.closes_action and not is_open:
            return updates, period
    return updates, None
