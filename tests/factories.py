"""Plain builders for test data: small, explicit, no magic."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group

from deliverables.indicators.points import quarter_of
from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    QuarterlyUpdate,
)
from plans import roles
from plans.models import (
    Directorate,
    Plan,
    PlanFrequency,
    ReportingPeriod,
    Status,
    StatusScale,
    StrategicOutcome,
    Theme,
    User,
    parse_period_code,
)
from plans.periods import parse_month_code

PASSWORD = "correct-horse-battery-staple"

DEFAULT_STATUSES = [
    # label, colour, rag, exception, closes, no update
    ("On Track", "#00703C", "green", False, False, False),
    ("Delayed", "#D4351C", "red", True, False, False),
    ("Complete", "#1D70B8", "blue", False, True, False),
    ("No Update", "#B1B4B6", "grey", False, False, True),
]


def directorates() -> dict[str, Directorate]:
    made = {}
    for code, name in [("CH", "Children & Education"), ("PH", "Public Health"), ("F", "Finance")]:
        made[code], _ = Directorate.objects.get_or_create(
            code=code, defaults={"name": name, "prefixes": code}
        )
    return made


def plan(slug: str = "test-plan", name: str | None = None, **fields) -> Plan:
    made = Plan.objects.create(
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        first_year=2023,
        last_year=2026,
        **fields,
    )
    scale = StatusScale.objects.create(plan=made, name=f"{made.name} scale")
    for order, (label, colour, rag, exception, closes, no_update) in enumerate(DEFAULT_STATUSES, 1):
        Status.objects.create(
            scale=scale,
            label=label,
            colour=colour,
            rag=rag,
            order=order,
            is_exception=exception,
            closes_action=closes,
            means_no_update=no_update,
            requires_commentary=not closes,
        )
    return made


def status(plan: Plan, label: str) -> Status:
    return Status.objects.get(scale__plan=plan, label=label)


def period(plan: Plan, code: str = "2023-24-Q3", state: str = "closed") -> ReportingPeriod:
    year, quarter = parse_period_code(code)
    return ReportingPeriod.objects.create(plan=plan, year=year, quarter=quarter, state=state)


def action(
    plan: Plan,
    ref: str,
    title: str | None = None,
    *,
    outcome: StrategicOutcome | None = None,
    deliverable: Deliverable | None = None,
    directorate: Directorate | None = None,
    lead: User | None = None,
) -> Action:
    made = Action.objects.create(
        plan=plan,
        ref=ref,
        title=title or f"Action {ref}",
        directorate=directorate,
        lead_officer=lead,
    )
    if deliverable is not None:
        ActionPlacement.objects.create(
            action=made, outcome=deliverable.outcome, deliverable=deliverable
        )
    elif outcome is not None:
        ActionPlacement.objects.create(action=made, outcome=outcome)
    return made


def update(
    action: Action,
    period: ReportingPeriod,
    status_label: str | None,
    commentary: str = "",
    state: str = "approved",
    source: str = "imported",
) -> QuarterlyUpdate:
    return QuarterlyUpdate.objects.create(
        action=action,
        period=period,
        status=status(action.plan, status_label) if status_label else None,
        commentary=commentary,
        state=state,
        source=source,
    )


@dataclass
class SmallPlan:
    plan: Plan
    outcomes: list[StrategicOutcome]
    deliverables: list[Deliverable]
    actions: list[Action]
    period: ReportingPeriod


def small_plan(
    dirs: dict[str, Directorate], slug: str = "test-plan", extra_actions: int = 0
) -> SmallPlan:
    made = plan(slug)
    outcomes = [
        StrategicOutcome.objects.create(plan=made, name="Best start in life", order=1),
        StrategicOutcome.objects.create(plan=made, name="Live well", order=2),
    ]
    deliverables = [
        Deliverable.objects.create(
            outcome=outcomes[0], ref="B3", title="We will provide good school places", order=1
        ),
        Deliverable.objects.create(
            outcome=outcomes[0], ref="B4", title="We will improve attendance", order=2
        ),
        Deliverable.objects.create(
            outcome=outcomes[1], ref="L1", title="We will tackle health inequalities", order=3
        ),
    ]
    quarter = period(made)
    actions = [
        action(
            made,
            "CH6",
            "Every child has a good school place",
            deliverable=deliverables[0],
            directorate=dirs["CH"],
        ),
        action(
            made,
            "CH5",
            "Attendance is everybody's business",
            deliverable=deliverables[1],
            directorate=dirs["CH"],
        ),
        action(
            made,
            "PH5",
            "Healthy Sandwell advice service",
            deliverable=deliverables[2],
            directorate=dirs["PH"],
        ),
        action(
            made, "F1", "Customer journey programme", outcome=outcomes[1], directorate=dirs["F"]
        ),
    ]
    for index in range(extra_actions):
        actions.append(
            action(
                made,
                f"CH{100 + index}",
                f"Extra action {index}",
                deliverable=deliverables[index % 3],
                directorate=dirs["CH"],
            )
        )
    labels = ["On Track", "Delayed", "Complete", None]
    for index, item in enumerate(actions):
        label = labels[index % len(labels)]
        if label:
            update(item, quarter, label, f"Commentary for {item.ref}")
    return SmallPlan(made, outcomes, deliverables, actions, quarter)


def user(
    username: str, role: str | None = None, directorates: list[Directorate] = (), **fields
) -> User:
    made = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if role:
        made.groups.add(Group.objects.get(name=role))
    made.directorates.set(directorates)
    return made


def role_users(dirs: dict[str, Directorate]) -> dict[str, User]:
    return {
        "officer": user(
            "officer", roles.LEAD_OFFICER, [dirs["CH"]], first_name="Olu", last_name="Officer"
        ),
        "approver": user(
            "approver", roles.APPROVER, [dirs["CH"]], first_name="Ada", last_name="Approver"
        ),
        "other_officer": user("other-officer", roles.LEAD_OFFICER, [dirs["PH"]]),
        "performance": user("performance", roles.PERFORMANCE_TEAM, is_staff=True),
        "admin": user("administrator", roles.ADMINISTRATOR, is_staff=True),
        "viewer": user("viewer", roles.VIEWER),
    }


def indicator(plan: Plan, code: str, title: str, *, target=None, year: int = 2023, **fields):
    """An indicator; `target`: the annual target for `year`."""
    made = Indicator.objects.create(plan=plan, code=code, title=title, **fields)
    if target is not None:
        IndicatorTarget.objects.create(indicator=made, year=year, point=0, value=Decimal(target))
    return made


def indicator_value(
    indicator: Indicator,
    year: int,
    point: int,
    value,
    commentary: str = "",
    state: str = "approved",
    source: str = "imported",
    **fields,
) -> IndicatorValue:
    """A value of `indicator` at (financial year, point), in the plan's quarter it falls in."""
    quarter = quarter_of(indicator.frequency, point)
    period = ReportingPeriod.objects.filter(
        plan_id=indicator.plan_id, year=year, quarter=quarter
    ).first()
    return IndicatorValue.objects.create(
        indicator=indicator,
        year=year,
        point=point,
        period=period,
        value=None if value is None else Decimal(str(value)),
        commentary=commentary,
        state=state,
        source=source,
        **fields,
    )


def month(plan: Plan, code: str = "2022-05", state: str = "closed") -> ReportingPeriod:
    """A month of a monthly plan, written 2022-05 or May 2022."""
    year, quarter, place = parse_month_code(code)
    return ReportingPeriod.objects.create(
        plan=plan, year=year, quarter=quarter, month=place, state=state
    )


@dataclass
class MonthlyPlan:
    plan: Plan
    outcomes: list[StrategicOutcome]
    themes: list[Theme]
    actions: list[Action]
    months: list[ReportingPeriod]


def monthly_plan(
    dirs: dict[str, Directorate],
    slug: str = "improvement-plan",
    months: tuple[str, ...] = ("2022-04", "2022-05"),
) -> MonthlyPlan:
    """An Improvement Plan shaped plan reporting monthly: Theme > Workstream > Action, actions
    straight under a workstream. Its months are closed but the last, which is open; the first
    month holds approved updates (IP1 On Track, IP2 Delayed, IP3 Complete, IP4 none)."""
    made = plan(
        slug,
        "Improvement Plan 2022",
        frequency=PlanFrequency.MONTHLY,
        outcome_label="Theme",
        theme_label="Workstream",
        deliverable_label="Deliverable",
        action_label="Action",
    )
    made.first_year, made.last_year = 2022, 2023
    made.save(update_fields=["first_year", "last_year"])
    outcomes = [
        StrategicOutcome.objects.create(plan=made, name="Organisational culture", order=1),
        StrategicOutcome.objects.create(plan=made, name="Governance", order=2),
    ]
    themes = [
        Theme.objects.create(outcome=outcomes[0], name="Leadership", order=1),
        Theme.objects.create(outcome=outcomes[1], name="Decision making", order=1),
    ]
    actions = []
    for index, (ref, directorate) in enumerate(
        [("IP1", "CH"), ("IP2", "CH"), ("IP3", "PH"), ("IP4", "F")]
    ):
        theme = themes[index // 2]
        made_action = Action.objects.create(
            plan=made, ref=ref, title=f"Improvement action {ref}", directorate=dirs[directorate]
        )
        ActionPlacement.objects.create(action=made_action, outcome=theme.outcome, theme=theme)
        actions.append(made_action)
    periods = [
        month(made, code, state="open" if code == months[-1] else "closed") for code in months
    ]
    for item, label in zip(actions, ["On Track", "Delayed", "Complete", None], strict=True):
        if label:
            update(item, periods[0], label, f"Commentary for {item.ref}")
    return MonthlyPlan(made, outcomes, themes, actions, periods)
