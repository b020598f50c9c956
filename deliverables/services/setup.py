"""Plan set-up in the app, for the performance team: a plan with its status scale and first
year's periods, then its outcomes, themes, deliverables and actions, each added, renamed,
moved up or down, or deleted while empty. An archived plan is read-only here.

Each write checks the permission itself (as deliverables.services.periods does), so no page
or command can go round it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import models, transaction

from deliverables.models import Action, ActionPlacement, Deliverable
from deliverables.services.actions import action_create
from deliverables.services.periods import period_create
from deliverables.workflow import NotAllowed, WorkflowError
from plans.models import (
    Plan,
    ReportingPeriod,
    Status,
    StatusScale,
    StrategicOutcome,
    Theme,
    User,
)
from plans.permissions import can_manage_plans
from plans.statuses import status_key

UP, DOWN = "up", "down"


def _require_manager(user: User) -> None:
    if not can_manage_plans(user):
        raise NotAllowed("Only the performance team can set up plans.")


def require_changeable(user: User, plan: Plan) -> None:
    """The plan may be changed by `user`: a plan manager, and the plan not archived."""
    _require_manager(user)
    if not plan.is_active:
        raise WorkflowError(f"{plan} is archived, so it is read-only. Unarchive it to change it.")


@dataclass(frozen=True)
class StatusRow:
    """One status of a scale being defined (or copied): what plans.models.Status holds."""

    label: str
    colour: str
    rag: str
    is_exception: bool = False
    closes_action: bool = False
    means_no_update: bool = False
    requires_commentary: bool = True
    spellings: str = ""


def scale_problems(rows: list[StatusRow]) -> list[str]:
    """What stops `rows` being a plan's scale, in words (empty when it is fine). The database
    already holds one No Update status a scale at most and distinct labels; officers also need
    something to choose."""
    problems = []
    if not any(not row.means_no_update for row in rows):
        problems.append("Add at least one status that officers can choose (not No Update).")
    if sum(row.means_no_update for row in rows) > 1:
        problems.append("Only one status can mean No Update.")
    keys = [status_key(row.label) for row in rows]
    if len(set(keys)) != len(keys):
        problems.append("Give each status a different label.")
    return problems


def scale_rows_of(plan: Plan) -> list[StatusRow]:
    """Another plan's scale as rows to copy: every status with its flags and spellings."""
    return [
        StatusRow(
            label=s.label,
            colour=s.colour,
            rag=s.rag,
            is_exception=s.is_exception,
            closes_action=s.closes_action,
            means_no_update=s.means_no_update,
            requires_commentary=s.requires_commentary,
            spellings=s.spellings,
        )
        for s in Status.objects.for_plan(plan).order_by("order", "label")
    ]


def first_year_periods(plan: Plan) -> list[tuple[int, int, int]]:
    """(year, quarter, month) of the periods a new plan starts with: its first financial
    year's four quarters, or twelve months for a monthly plan."""
    months = (1, 2, 3) if plan.is_monthly else (0,)
    return [(plan.first_year, quarter, month) for quarter in (1, 2, 3, 4) for month in months]


@transaction.atomic
def plan_create(user: User, plan: Plan, statuses: list[StatusRow]) -> Plan:
    """Save a new plan with its own scale of `statuses` (defined, or copied from another plan
    with scale_rows_of) and its first year's periods, upcoming."""
    _require_manager(user)
    problems = scale_problems(statuses)
    if problems:
        raise WorkflowError(" ".join(problems))
    plan.is_active = True
    plan.save()
    scale = StatusScale.objects.create(plan=plan, name=f"{plan.name} statuses")
    Status.objects.bulk_create(
        [Status(scale=scale, order=order, **asdict(row)) for order, row in enumerate(statuses, 1)]
    )
    for year, quarter, month in first_year_periods(plan):
        period_create(user, plan, year, quarter, month)
    return plan


@transaction.atomic
def plan_update(user: User, plan: Plan, fields: list[str]) -> Plan:
    """Save the changed names, labels and years of a plan (the form has set them)."""
    require_changeable(user, plan)
    plan.save(update_fields=fields)
    return plan


@transaction.atomic
def plan_archive(user: User, plan: Plan, *, archived: bool) -> Plan:
    """Archive a plan (read-only, kept with its record) or bring it back."""
    _require_manager(user)
    if archived:
        # An archived plan is read-only and hidden from officers: none may still owe updates.
        open_period = ReportingPeriod.objects.for_plan(plan).open().first()
        if open_period is not None:
            raise WorkflowError(
                f"{open_period.label} is open for updates. Close it first, then archive the plan."
            )
    plan.is_active = not archived
    plan.save(update_fields=["is_active"])
    return plan


def _next_order(siblings: models.QuerySet) -> int:
    return (siblings.aggregate(top=models.Max("order"))["top"] or 0) + 1


def _move(item: models.Model, siblings: models.QuerySet, direction: str) -> bool:
    """Swap `item` with its neighbour among `siblings` (in their page order), numbering them
    1..n so old ties (every order 0) cannot make a move do nothing. False at either end."""
    if direction not in (UP, DOWN):
        raise WorkflowError("Choose up or down.")
    rows = list(siblings.select_for_update())
    index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    changed = []
    for order, row in enumerate(rows, 1):
        if row.order != order:
            row.order = order
            changed.append(row)
    type(item).objects.bulk_update(changed, ["order"])
    return True


def _holds(counts: dict[str, int]) -> str:
    return ", ".join(
        f"{count} {name}{'' if count == 1 else 's'}" for name, count in counts.items() if count
    )


def deletion_problem(item: StrategicOutcome | Theme | Deliverable) -> str | None:
    """Why `item` cannot be deleted yet, in words (what it still holds); None when empty.
    The confirmation page shows it, and each *_delete service refuses with it."""
    if isinstance(item, StrategicOutcome):
        plan = item.plan
        what, counts = f"{_label(plan.outcome_label)} {item.name}", _outcome_contents(item)
    elif isinstance(item, Theme):
        plan = item.outcome.plan
        what, counts = f"{_label(plan.theme_label)} {item.name}", _theme_contents(item)
    else:
        plan = item.outcome.plan
        what, counts = f"{_label(plan.deliverable_label)} {item}", _deliverable_contents(item)
    held = _holds(counts)
    if not held:
        return None
    return f"{what} cannot be deleted: it still holds {held}. Move or delete them first."


def _refuse_unless_empty(item: StrategicOutcome | Theme | Deliverable) -> None:
    problem = deletion_problem(item)
    if problem:
        raise WorkflowError(problem)


def _label(word: str) -> str:
    return word[:1].upper() + word[1:]


# Outcomes: the plan's top level (Strategic outcome, Theme, Ambition ...).


def outcome_siblings(outcome: StrategicOutcome) -> models.QuerySet:
    return StrategicOutcome.objects.filter(plan_id=outcome.plan_id).order_by("order", "name")


def _check_outcome_name(plan: Plan, name: str, exclude: int | None = None) -> None:
    if StrategicOutcome.objects.filter(plan=plan, name=name).exclude(pk=exclude).exists():
        raise WorkflowError(f"This plan already has a {plan.outcome_label.lower()} called {name}.")


@transaction.atomic
def outcome_add(user: User, plan: Plan, *, name: str, description: str = "") -> StrategicOutcome:
    require_changeable(user, plan)
    _check_outcome_name(plan, name)
    siblings = StrategicOutcome.objects.filter(plan=plan)
    return StrategicOutcome.objects.create(
        plan=plan, name=name, description=description, order=_next_order(siblings)
    )


@transaction.atomic
def outcome_update(
    user: User, outcome: StrategicOutcome, *, name: str, description: str = ""
) -> StrategicOutcome:
    require_changeable(user, outcome.plan)
    _check_outcome_name(outcome.plan, name, exclude=outcome.pk)
    outcome.name, outcome.description = name, description
    outcome.save(update_fields=["name", "description"])
    return outcome


@transaction.atomic
def outcome_move(user: User, outcome: StrategicOutcome, direction: str) -> bool:
    require_changeable(user, outcome.plan)
    return _move(outcome, outcome_siblings(outcome), direction)


@transaction.atomic
def outcome_delete(user: User, outcome: StrategicOutcome) -> None:
    require_changeable(user, outcome.plan)
    _refuse_unless_empty(outcome)
    outcome.delete()


def _outcome_contents(outcome: StrategicOutcome) -> dict[str, int]:
    plan = outcome.plan
    return {
        plan.theme_label.lower(): outcome.themes.count(),
        plan.deliverable_label.lower(): outcome.deliverables.count(),
        plan.action_label.lower(): outcome.placements.values("action").distinct().count(),
        "linked indicator": outcome.indicators.count(),
    }


# Themes: the optional level inside an outcome (Theme, Workstream, Priority ...).


def theme_siblings(theme: Theme) -> models.QuerySet:
    return Theme.objects.filter(outcome_id=theme.outcome_id).order_by("order", "name")


def _check_theme_name(outcome: StrategicOutcome, name: str, exclude: int | None = None) -> None:
    if Theme.objects.filter(outcome=outcome, name=name).exclude(pk=exclude).exists():
        raise WorkflowError(
            f"{outcome.name} already has a {outcome.plan.theme_label.lower()} called {name}."
        )


@transaction.atomic
def theme_add(user: User, outcome: StrategicOutcome, *, name: str) -> Theme:
    require_changeable(user, outcome.plan)
    _check_theme_name(outcome, name)
    siblings = Theme.objects.filter(outcome=outcome)
    return Theme.objects.create(outcome=outcome, name=name, order=_next_order(siblings))


@transaction.atomic
def theme_update(user: User, theme: Theme, *, name: str) -> Theme:
    require_changeable(user, theme.outcome.plan)
    _check_theme_name(theme.outcome, name, exclude=theme.pk)
    theme.name = name
    theme.save(update_fields=["name"])
    return theme


@transaction.atomic
def theme_move(user: User, theme: Theme, direction: str) -> bool:
    require_changeable(user, theme.outcome.plan)
    return _move(theme, theme_siblings(theme), direction)


@transaction.atomic
def theme_delete(user: User, theme: Theme) -> None:
    require_changeable(user, theme.outcome.plan)
    _refuse_unless_empty(theme)
    theme.delete()


def _theme_contents(theme: Theme) -> dict[str, int]:
    plan = theme.outcome.plan
    return {
        plan.deliverable_label.lower(): theme.deliverables.count(),
        plan.action_label.lower(): theme.placements.count(),
    }


# Deliverables: the level actions serve (Corporate plan deliverable), under an outcome or theme.


def deliverable_siblings(deliverable: Deliverable) -> models.QuerySet:
    """Deliverables listed together on the page: the same outcome, and the same theme."""
    return Deliverable.objects.filter(
        outcome_id=deliverable.outcome_id, theme_id=deliverable.theme_id
    ).order_by("order", "pk")


@transaction.atomic
def deliverable_add(
    user: User, outcome: StrategicOutcome, theme: Theme | None, *, ref: str, title: str
) -> Deliverable:
    require_changeable(user, outcome.plan)
    if theme is not None and theme.outcome_id != outcome.pk:
        raise WorkflowError("Choose a place in this plan.")
    siblings = Deliverable.objects.filter(outcome=outcome, theme=theme)
    return Deliverable.objects.create(
        outcome=outcome, theme=theme, ref=ref, title=title, order=_next_order(siblings)
    )


@transaction.atomic
def deliverable_update(
    user: User, deliverable: Deliverable, *, ref: str, title: str
) -> Deliverable:
    require_changeable(user, deliverable.outcome.plan)
    deliverable.ref, deliverable.title = ref, title
    deliverable.save()
    return deliverable


@transaction.atomic
def deliverable_move(user: User, deliverable: Deliverable, direction: str) -> bool:
    require_changeable(user, deliverable.outcome.plan)
    return _move(deliverable, deliverable_siblings(deliverable), direction)


@transaction.atomic
def deliverable_delete(user: User, deliverable: Deliverable) -> None:
    require_changeable(user, deliverable.outcome.plan)
    _refuse_unless_empty(deliverable)
    deliverable.delete()


def _deliverable_contents(deliverable: Deliverable) -> dict[str, int]:
    plan = deliverable.outcome.plan
    return {
        plan.action_label.lower(): deliverable.placements.count(),
        "action of another plan linked to it": deliverable.contributions.count(),
        "linked indicator": deliverable.indicators.count(),
    }


# Actions: added under an outcome, a theme or a deliverable of their plan.


@transaction.atomic
def action_add(
    user: User,
    action: Action,
    *,
    outcome: StrategicOutcome,
    theme: Theme | None = None,
    deliverable: Deliverable | None = None,
) -> Action:
    """Add `action` (unsaved, its plan set) and place it: under a deliverable, a theme (no
    deliverable) or straight under an outcome. Reported from the plan's open or next period
    (deliverables.services.actions.action_create), with its history."""
    plan = action.plan
    require_changeable(user, plan)
    if outcome.plan_id != plan.pk:
        raise WorkflowError("Choose a place in this plan.")
    if action.ref and Action.objects.for_plan(plan).with_ref(action.ref).exists():
        raise WorkflowError(f"This plan already has an action {action.ref}.")
    action_create(user, action)
    placement = ActionPlacement(
        action=action,
        outcome=outcome,
        theme=None if deliverable else theme,
        deliverable=deliverable,
    )
    placement.full_clean()
    placement.save()
    return action
