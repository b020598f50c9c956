"""The rules of seeing and counting, each written once. README: "How actions are counted".

Every page, export, report and command that shows an action's status for a period, or counts
actions, gets it from here, for the person reading:

1. Who sees work in progress (`sees_work_q`). Approved updates are open to everyone signed
   in. Submitted, draft and returned updates are seen only by the action's people (its lead
   officer, its named approver, its delegates), the approvers of its directorate, and those
   who oversee every directorate (the performance team and administrators).
2. Which actions are in a period (`in_scope_q`): the action's own plan; reported from that
   period or earlier (an action added later is not counted in earlier periods); not completed
   in an earlier period; not withdrawn from that period or earlier.
3. An action's status in a period (`status_expression`): an approved update's status, for
   everyone; a submitted update's status for those who see work in progress, and "Awaiting
   approval" (without its text) for everyone else; drafts, returned updates and the No Update
   that closing a quarter writes count for no one. With nothing that counts, a closed period
   shows the scale's No Update status and an open one "Not yet updated" (None).
4. Counting under the hierarchy: an action counts once in each outcome it is placed in, however
   many deliverables of that outcome it serves, and once in a plan total.
5. Movement between two periods (`movement_of`): improved, worsened, stayed or changed compare
   two real statuses (a status an officer reported, not No Update); anything to or from No
   Update, Not yet updated or Awaiting approval is "no update to compare", never a recovery.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)

from plans.models import Plan, Rag, ReportingPeriod, period_compare_q
from plans.permissions import may_approve_updates, sees_every_directorate
from plans.statuses import AWAITING, Scale

# deliverables.models builds its QuerySet methods on these rules, so the functions here import
# the models they name when called rather than at module level.
# -- 1. who sees work in progress ------------------------------------------------------------


EVERYONE = object()  # sees_work_q's answer when the reader sees every action's work
NOBODY = object()  # ... and when they see none


def work_scope(user):
    """EVERYONE, NOBODY, or (user id, the directorate ids they approve for); kept on the user
    object for the request, as one page asks several times."""
    if user is not None and hasattr(user, "_work_scope"):
        return user._work_scope
    scope = _compute_work_scope(user)
    if user is not None:
        user._work_scope = scope
    return scope


def _compute_work_scope(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    if sees_every_directorate(user):
        return EVERYONE
    directorates = []
    if may_approve_updates(user):
        directorates = list(user.directorates.values_list("pk", flat=True))
    return user.pk, directorates


def sees_work_q(user, action: str = "") -> Q | object:
    """A condition on actions (`action` is the path to the action, e.g. "action__") true where
    `user` sees the action's work in progress; EVERYONE or NOBODY when it is the same for all.
    """
    scope = work_scope(user)
    if scope in (EVERYONE, NOBODY):
        return scope
    user_id, directorates = scope
    from deliverables.models import ActionDelegate

    # The actions delegated to the reader, as a subquery that does not refer to the outer row:
    # PostgreSQL runs it once and hashes it, where a correlated EXISTS ran once per row, kept
    # the plan from running in parallel and doubled its estimated cost (past the threshold
    # where PostgreSQL compiles a query with JIT: 12-17 s a dashboard at county size).
    delegated = ActionDelegate.objects.filter(user_id=user_id).values("action_id")
    condition = (
        Q(**{f"{action}lead_officer_id": user_id})
        | Q(**{f"{action}approver_id": user_id})
        | Q(**{f"{action}pk__in": delegated})
    )
    if directorates:
        condition |= Q(**{f"{action}directorate_id__in": directorates})
    return condition


def sees_work_of(user, action, delegate_ids: set[int] | None = None) -> bool:
    """The same rule for one action, in Python (for a page about one action). `delegate_ids`:
    the action's delegates, when the page has them already."""
    scope = work_scope(user)
    if scope in (EVERYONE, NOBODY):
        return scope is EVERYONE
    user_id, directorates = scope
    if action.lead_officer_id == user_id or action.approver_id == user_id:
        return True
    if action.directorate_id in directorates:
        return True
    if delegate_ids is not None:
        return user_id in delegate_ids
    return action.delegations.filter(user_id=user_id).exists()


def _and(condition: Q, scope) -> Q:
    """`condition` limited to where the reader sees work in progress."""
    if scope is EVERYONE:
        return condition
    if scope is NOBODY:
        return Q(pk__in=[])
    return condition & scope


def counted_q(user, update: str = "", action: str = "action__") -> Q:
    """Updates whose status counts for `user`: approved ones (not the No Update closing a quarter
    writes), and submitted ones where the reader sees the action's work in progress."""
    from deliverables.models import UpdateSource, UpdateState

    approved = Q(**{f"{update}state": UpdateState.APPROVED}) & ~Q(
        **{f"{update}source": UpdateSource.CLOSE}
    )
    submitted = Q(**{f"{update}state": UpdateState.SUBMITTED})
    return approved | _and(submitted, sees_work_q(user, action))


def readable_q(user, update: str = "", action: str = "action__") -> Q:
    """Updates whose status and text `user` may read: approved ones, and every update of an
    action whose work in progress they see (drafts and returned ones included)."""
    from deliverables.models import UpdateState

    return Q(**{f"{update}state": UpdateState.APPROVED}) | _and(
        Q(**{f"{update}pk__isnull": False}), sees_work_q(user, action)
    )


# -- 2. which actions are in a period ---------------------------------------------------------


def _compare(field: str, period: ReportingPeriod, op: str) -> Q:
    """`field` (a period) is at or before ("lte"), at or after ("gte") or after ("gt") `period`."""
    return period_compare_q(field, period, op)


def in_scope_q(period: ReportingPeriod, action: str = "") -> Q:
    """Actions that owe, or gave, an update for `period`."""
    reported = Q(**{f"{action}reported_from__isnull": True}) | _compare(
        f"{action}reported_from", period, "lte"
    )
    not_completed_before = Q(**{f"{action}completed_in__isnull": True}) | _compare(
        f"{action}completed_in", period, "gte"
    )
    not_withdrawn = Q(**{f"{action}withdrawn_from__isnull": True}) | _compare(
        f"{action}withdrawn_from", period, "gt"
    )
    return (
        Q(**{f"{action}plan_id": period.plan_id}) & reported & not_completed_before & not_withdrawn
    )


def out_of_scope_reason(action, period: ReportingPeriod) -> str:
    """Why an action is not in `period`, in words (its periods already fetched)."""
    if action.withdrawn_from is not None and action.withdrawn_from.sort_key <= period.sort_key:
        return f"Withdrawn from {action.withdrawn_from.label}"
    if action.reported_from is not None and action.reported_from.sort_key > period.sort_key:
        return f"Reported from {action.reported_from.label}"
    if action.completed_in is not None and action.completed_in.sort_key < period.sort_key:
        return f"Completed in {action.completed_in.label}"
    return f"Not in this {period.word}"


# -- 3. an action's status in a period ---------------------------------------------------------


def join_update(actions: QuerySet, alias: str, period: ReportingPeriod) -> QuerySet:
    """Join each action to its update for `period` under `alias`: a LEFT JOIN on (action,
    period), which the unique key makes at most one row."""
    return actions.annotate(
        **{alias: FilteredRelation("updates", condition=Q(updates__period=period))}
    )


def status_expression(alias: str, period: ReportingPeriod | None, scale: Scale, user):
    """SQL for the action's status id in `period` as `user` reads it: a status id, AWAITING's,
    the No Update id in a closed period, or NULL (not yet updated)."""
    if period is None:
        return Value(None, output_field=IntegerField())
    from deliverables.models import UpdateState

    whens = [When(counted_q(user, f"{alias}__", ""), then=F(f"{alias}__status"))]
    whens.append(When(Q(**{f"{alias}__state": UpdateState.SUBMITTED}), then=Value(AWAITING.pk)))
    default = Value(scale.no_update.pk) if period.is_locked else Value(None)
    return Case(*whens, default=default, output_field=IntegerField())


def commentary_expression(alias: str, user):
    """The update's commentary where its status counts for `user`, else empty."""
    return Case(
        When(counted_q(user, f"{alias}__", ""), then=F(f"{alias}__commentary")),
        default=Value(""),
        output_field=TextField(),
    )


def in_scope(plan: Plan, period: ReportingPeriod) -> QuerySet:
    """The plan's actions that owe, or gave, an update for `period`."""
    from deliverables.models import Action

    return Action.objects.filter(in_scope_q(period)).filter(plan=plan)


def with_statuses(
    actions: QuerySet,
    period: ReportingPeriod,
    previous: ReportingPeriod | None,
    scale: Scale,
    user,
    *,
    commentary: bool = False,
) -> QuerySet:
    """Annotate `status_now` and `status_before` (status ids as `user` reads them), and
    optionally `commentary_now`."""
    actions = join_update(actions, "update_now", period)
    if previous is not None:
        actions = join_update(actions, "update_before", previous)
    before = status_expression("update_before", previous, scale, user)
    if previous is not None:
        # An action added since had no status then. Only `reported_from` needs checking: an
        # action in `period` was not completed before it nor withdrawn by it, so neither
        # before `previous` either (in_scope_q would say the same, with two more joins).
        reported_then = Q(reported_from__isnull=True) | _compare("reported_from", previous, "lte")
        before = Case(
            When(reported_then, then=before),
            default=Value(None),
            output_field=IntegerField(),
        )
    annotations = {
        "status_now": status_expression("update_now", period, scale, user),
        "status_before": before,
    }
    if commentary:
        annotations["commentary_now"] = commentary_expression("update_now", user)
    return actions.annotate(**annotations)


# -- 5. movement ------------------------------------------------------------------------------

# How bad each RAG category is. Grey (No Update, Not Started) is not on this ladder.
SEVERITY = {Rag.BLUE: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}

MOVEMENTS = {
    "improved": "improved",
    "worsened": "worsened",
    "stayed": "stayed the same",
    "changed": "changed status (not comparable)",
    "no_update": "no update to compare",
}


def movement_of(now: int | None, before: int | None, scale: Scale) -> str:
    """Which one of MOVEMENTS an action made between two periods (status ids as read)."""
    if not (scale.is_real(now) and scale.is_real(before)):
        return "no_update"
    if now == before:
        return "stayed"
    rank_now, rank_before = (SEVERITY.get(scale.by_pk[pk].rag) for pk in (now, before))
    if rank_now is None or rank_before is None:
        return "changed"
    return "improved" if rank_now < rank_before else "worsened"


def turned_red(now: int | None, before: int | None, scale: Scale) -> bool:
    """Red now, and a real status that was not red before."""
    red = set(scale.red_ids())
    return now in red and scale.is_real(before) and before not in red


def movement_filter(kind: str, scale: Scale) -> Q:
    """The register's filter for a movement (or "turned_red"), built from the rules above over
    every pair of the scale's statuses, so the filter and the counts cannot disagree."""
    ids = [s.pk for s in scale.statuses]
    if kind == "no_update":
        # Written without negating a conjunction: NULL (not yet updated) must match too.
        real = real_ids(scale)
        return (
            Q(status_now__isnull=True)
            | Q(status_before__isnull=True)
            | ~Q(status_now__in=real)
            | ~Q(status_before__in=real)
        )
    test = (
        (lambda now, before: turned_red(now, before, scale))
        if kind == "turned_red"
        else (lambda now, before: movement_of(now, before, scale) == kind)
    )
    condition = Q(pk__in=[])
    for now in ids:
        befores = [before for before in ids if test(now, before)]
        if befores:
            condition |= Q(status_now=now, status_before__in=befores)
    return condition


def real_ids(scale: Scale) -> list[int]:
    return [s.pk for s in scale.statuses if scale.is_real(s.pk)]
