"""Every surface tells the same truth: random plans against a plain-Python model of the rules.

Hypothesis builds plans with random placements (several deliverables and several outcomes per
action, actions straight under an outcome), first quarters, withdrawals, reopened actions,
quarters closed, published, open (reopened, holding the No Updates a close wrote) and upcoming,
and updates in every state. For each audience (a viewer, an officer of another directorate,
the action's officer, its directorate's approver, the performance team) the plan page, the
outcome pages, the action register and its CSV, the dashboard, the tracker workbook, the
quarter's progress, the exception report and the read-only API (a token per reader) must
give the statuses and counts of `Reference`, which restates README "How actions are counted"
in plain Python and shares no code with the product.

The number of examples is bounded (HYPOTHESIS_EXAMPLES, default 20) so the suite stays fast on
both databases; raise it to search harder.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables.models import (
    Action,
    ActionDelegate,
    ActionPlacement,
    Deliverable,
    QuarterlyUpdate,
    submission_progress,
)
from deliverables.services import actions_refresh_completion
from deliverables.tracker.export import export_quarter
from plans.models import Plan, ReportingPeriod, Status, StatusScale, StrategicOutcome
from reports.builder import build_report
from reports.dashboard import build_dashboard
from reports.models import ExceptionReport

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "20"))

# label, rag, is exception, closes the action, means no update
SCALE = [
    ("On Track", "green", False, False, False),
    ("Slipping", "amber", False, False, False),
    ("Delayed", "red", True, False, False),
    ("Complete", "blue", False, True, False),
    ("Not Started", "grey", False, False, False),
    ("No Update", "grey", False, False, True),
]
LADDER = {"blue": 0, "green": 1, "amber": 2, "red": 3}
QUARTERS = [(2023, 2), (2023, 3), (2023, 4), (2024, 1)]
READERS = ("viewer", "other_officer", "officer", "approver", "performance")
AWAITING = "Awaiting approval"
NOT_YET = "Not yet updated"


# -- what hypothesis draws ---------------------------------------------------------------------


@dataclass
class UpdateSpec:
    state: str
    source: str
    status: str | None


@dataclass
class ActionSpec:
    ref: str
    directorate: str | None  # "CH", "PH" or None
    lead: str | None  # "officer", "other_officer" or None
    named_approver: bool
    delegate: bool  # other_officer may enter its updates
    deliverables: list[int]  # indexes into the plan's deliverables
    direct_outcomes: list[int]  # placed straight under these outcomes
    reported_from: int | None  # index into QUARTERS
    withdrawn_from: int | None
    reopened_from: int | None
    updates: dict[int, UpdateSpec] = field(default_factory=dict)


@dataclass
class World:
    states: list[str]  # one per quarter of QUARTERS
    actions: list[ActionSpec]
    period: int  # the quarter every surface is read for


def quarter_states() -> st.SearchStrategy[list[str]]:
    """Older quarters closed or published, then at most one open, then upcoming ones."""

    def build(closed: int, open_one: bool, published: list[bool]) -> list[str]:
        states = ["published" if published[i] else "closed" for i in range(closed)]
        if open_one and closed < len(QUARTERS):
            states.append("open")
        return states + ["upcoming"] * (len(QUARTERS) - len(states))

    return st.builds(
        build,
        st.integers(1, len(QUARTERS)),
        st.booleans(),
        st.lists(st.booleans(), min_size=len(QUARTERS), max_size=len(QUARTERS)),
    )


update_specs = st.one_of(
    st.builds(
        UpdateSpec,
        st.sampled_from(["draft", "returned"]),
        st.just("entered"),
        st.one_of(st.none(), st.sampled_from([s[0] for s in SCALE[:5]])),
    ),
    st.builds(
        UpdateSpec,
        st.sampled_from(["submitted", "approved"]),
        st.sampled_from(["entered", "imported"]),
        st.sampled_from([s[0] for s in SCALE]),
    ),
    # The No Update closing a quarter writes.
    st.just(UpdateSpec("approved", "close", "No Update")),
)


@st.composite
def action_specs(draw, index: int) -> ActionSpec:
    directorate = draw(st.sampled_from(["CH", "PH", None]))
    reported_from = draw(st.one_of(st.none(), st.integers(0, len(QUARTERS) - 1)))
    first = reported_from or 0
    updates = draw(st.dictionaries(st.integers(first, len(QUARTERS) - 1), update_specs, max_size=4))
    return ActionSpec(
        ref=f"{directorate or 'X'}{index}",
        directorate=directorate,
        lead=draw(st.sampled_from(["officer", "other_officer", None])),
        named_approver=draw(st.booleans()),
        delegate=draw(st.booleans()),
        deliverables=draw(st.lists(st.integers(0, 3), max_size=3, unique=True)),
        direct_outcomes=draw(st.lists(st.integers(0, 1), max_size=2, unique=True)),
        reported_from=reported_from,
        withdrawn_from=draw(st.one_of(st.none(), st.integers(0, len(QUARTERS) - 1))),
        reopened_from=draw(st.one_of(st.none(), st.integers(0, len(QUARTERS) - 1))),
        updates=updates,
    )


@st.composite
def worlds(draw) -> World:
    count = draw(st.integers(1, 7))
    return World(
        states=draw(quarter_states()),
        actions=[draw(action_specs(i)) for i in range(count)],
        period=draw(st.integers(0, len(QUARTERS) - 1)),
    )


# -- the rules, in plain Python ----------------------------------------------------------------

# The plan's deliverables: index -> outcome index.
DELIVERABLE_OUTCOME = [0, 0, 1, 1]
RAG = {s[0]: s[1] for s in SCALE}
CLOSES = {s[0] for s in SCALE if s[3]}
EXCEPTION = {s[0] for s in SCALE if s[2]}


class Reference:
    """README "How actions are counted", restated for one world."""

    def __init__(self, world: World):
        self.world = world

    def locked(self, q: int) -> bool:
        return self.world.states[q] in ("closed", "published")

    @staticmethod
    def counts_for_everyone(u: UpdateSpec) -> bool:
        return u.state == "approved" and u.source != "close"

    def completed_in(self, a: ActionSpec) -> int | None:
        approved = [q for q, u in a.updates.items() if self.counts_for_everyone(u)]
        if not approved:
            return None
        latest = max(approved)
        if a.updates[latest].status not in CLOSES:
            return None
        if a.reopened_from is not None and latest <= a.reopened_from:
            return None
        return latest

    def in_scope(self, a: ActionSpec, q: int) -> bool:
        done = self.completed_in(a)
        return (
            (a.reported_from is None or a.reported_from <= q)
            and (done is None or done >= q)
            and (a.withdrawn_from is None or a.withdrawn_from > q)
        )

    @staticmethod
    def sees_work(reader: str, a: ActionSpec) -> bool:
        if reader == "performance":
            return True
        if reader == "viewer":
            return False
        if a.lead == reader:
            return True
        if reader == "approver":
            return a.named_approver or a.directorate == "CH"
        return reader == "other_officer" and a.delegate

    def reading(self, a: ActionSpec, q: int | None, reader: str | None) -> str | None:
        """The status label `reader` sees for `a` in quarter `q`; None if not in the quarter;
        NOT_YET in an open quarter with nothing that counts."""
        if q is None or not self.in_scope(a, q):
            return None
        u = a.updates.get(q)
        if u is not None:
            if self.counts_for_everyone(u):
                return u.status
            if u.state == "submitted":
                return u.status if reader and self.sees_work(reader, a) else AWAITING
        return "No Update" if self.locked(q) else NOT_YET

    def commentary(self, a: ActionSpec, q: int, reader: str | None) -> str:
        u = a.updates.get(q)
        if u is None:
            return ""
        visible = self.counts_for_everyone(u) or (
            u.state == "submitted" and reader is not None and self.sees_work(reader, a)
        )
        return f"Note {a.ref} {q}" if visible else ""

    def actions_in(self, q: int) -> list[ActionSpec]:
        return [a for a in self.world.actions if self.in_scope(a, q)]

    @staticmethod
    def outcomes_of(a: ActionSpec) -> set[int]:
        return {DELIVERABLE_OUTCOME[d] for d in a.deliverables} | set(a.direct_outcomes)

    def counts(self, q: int, reader: str | None, outcome: int | None = None) -> dict:
        found: dict = {}
        for a in self.actions_in(q):
            if outcome is not None and outcome not in self.outcomes_of(a):
                continue
            label = self.reading(a, q, reader)
            found[label] = found.get(label, 0) + 1
        return found

    def directorate_counts(self, q: int, reader: str | None) -> dict:
        found: dict = {}
        for a in self.actions_in(q):
            label = self.reading(a, q, reader)
            key = a.directorate or "none"
            found.setdefault(key, {})
            found[key][label] = found[key].get(label, 0) + 1
        return found

    @staticmethod
    def real(label: str | None) -> bool:
        return label not in (None, NOT_YET, AWAITING, "No Update")

    def movement(self, now: str | None, before: str | None) -> str:
        if not (self.real(now) and self.real(before)):
            return "no_update"
        if now == before:
            return "stayed"
        if RAG[now] not in LADDER or RAG[before] not in LADDER:
            return "changed"
        return "improved" if LADDER[RAG[now]] < LADDER[RAG[before]] else "worsened"

    def turned_red(self, now: str | None, before: str | None) -> bool:
        return (
            now is not None and RAG.get(now) == "red" and self.real(before) and RAG[before] != "red"
        )

    def progress(self, q: int) -> dict:
        totals = dict.fromkeys(
            ("total", "missing", "draft", "submitted", "returned", "approved", "closed_no_update"),
            0,
        )
        for a in self.actions_in(q):
            totals["total"] += 1
            u = a.updates.get(q)
            if u is None:
                totals["missing"] += 1
            elif u.source == "close":
                totals["closed_no_update"] += 1
            else:
                totals[u.state] += 1
        return totals


# -- building the world in the database ----------------------------------------------------------


def build(world: World, users: dict, directorates: dict) -> tuple[Plan, list[ReportingPeriod]]:
    plan = Plan.objects.create(slug="truth", name="Truth", first_year=2023, last_year=2025)
    scale = StatusScale.objects.create(plan=plan, name="Truth scale")
    statuses = {
        label: Status.objects.create(
            scale=scale,
            label=label,
            colour="#505A5F",
            rag=rag,
            order=order,
            is_exception=exception,
            closes_action=closes,
            means_no_update=no_update,
            requires_commentary=not closes,
        )
        for order, (label, rag, exception, closes, no_update) in enumerate(SCALE, 1)
    }
    outcomes = [
        StrategicOutcome.objects.create(plan=plan, name=name, order=order)
        for order, name in enumerate(["Best start", "Live well"], 1)
    ]
    deliverables = [
        Deliverable.objects.create(outcome=outcomes[o], ref=f"D{i}", title=f"Deliverable {i}")
        for i, o in enumerate(DELIVERABLE_OUTCOME)
    ]
    periods = [
        ReportingPeriod.objects.create(plan=plan, year=year, quarter=quarter, state=state)
        for (year, quarter), state in zip(QUARTERS, world.states, strict=True)
    ]
    for spec in world.actions:
        action = Action.objects.create(
            plan=plan,
            ref=spec.ref,
            title=f"Action {spec.ref}",
            directorate=directorates[spec.directorate] if spec.directorate else None,
            lead_officer=users[spec.lead] if spec.lead else None,
            approver=users["approver"] if spec.named_approver else None,
            reported_from=periods[spec.reported_from] if spec.reported_from is not None else None,
            withdrawn_from=periods[spec.withdrawn_from]
            if spec.withdrawn_from is not None
            else None,
            reopened_from=periods[spec.reopened_from] if spec.reopened_from is not None else None,
        )
        for order, index in enumerate(spec.deliverables):
            ActionPlacement.objects.create(
                action=action,
                outcome=deliverables[index].outcome,
                deliverable=deliverables[index],
                order=order,
            )
        for index in spec.direct_outcomes:
            ActionPlacement.objects.create(action=action, outcome=outcomes[index], order=9)
        if spec.delegate:
            ActionDelegate.objects.create(action=action, user=users["other_officer"])
        for q, u in spec.updates.items():
            QuarterlyUpdate.objects.create(
                action=action,
                period=periods[q],
                status=statuses[u.status] if u.status else None,
                commentary=f"Note {spec.ref} {q}",
                state=u.state,
                source=u.source,
            )
    actions_refresh_completion(Action.objects.filter(plan=plan).values_list("pk", flat=True))
    return plan, periods


# -- reading each surface --------------------------------------------------------------------------


def label_of(status) -> str | None:
    return status.label if status is not None else NOT_YET


def labelled(counts: dict, scale_by_pk: dict) -> dict:
    return {
        (scale_by_pk[pk].label if pk is not None else NOT_YET): n for pk, n in counts.items() if n
    }


def row_counts(row) -> dict:
    """A dashboard or report chart row as {label: count}."""
    return {label_of(s.status): s.count for s in row.segments if s.count}


@dataclass
class Sight:
    """One reader looking at one quarter of the world."""

    reader: str
    q: int
    period: ReportingPeriod
    previous: int | None
    client: Client
    ref: Reference
    plan: Plan
    periods: list[ReportingPeriod]
    users: dict
    in_scope: dict[str, ActionSpec]


def check_reader(reader: str, world: World, ref: Reference, plan, periods, users) -> None:
    q = world.period
    client = Client()
    client.force_login(users[reader])
    sight = Sight(
        reader=reader,
        q=q,
        period=periods[q],
        previous=q - 1 if q > 0 else None,
        client=client,
        ref=ref,
        plan=plan,
        periods=periods,
        users=users,
        in_scope={a.ref: a for a in ref.actions_in(q)},
    )
    register = check_register_csv(sight)
    check_register_page(sight, register)
    check_plan_page(sight)
    check_outcome_pages(sight)
    check_dashboard(sight)
    check_tracker(sight)
    check_api(sight)


def check_register_csv(s: Sight) -> dict:
    reader, q, period, previous, client = s.reader, s.q, s.period, s.previous, s.client
    ref, plan, _periods, _users, in_scope = s.ref, s.plan, s.periods, s.users, s.in_scope
    ref.counts(q, reader)
    # The register's CSV: every action in the quarter, its status now and before, commentary.
    response = client.get(
        reverse("reports:register_csv", args=[plan.slug]), {"period": period.code}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    register = {row[0]: row for row in rows[1:]}
    assert set(register) == set(in_scope), reader
    for code, a in in_scope.items():
        now = ref.reading(a, q, reader)
        before = ref.reading(a, previous, reader) if previous is not None else None
        assert register[code][5] == now, (reader, code, "now")
        assert register[code][6] == (before if before not in (None, NOT_YET) else ""), (
            reader,
            code,
            "before",
        )
        assert register[code][7] == ref.commentary(a, q, reader), (reader, code, "commentary")
    return register


def check_register_page(s: Sight, register: dict) -> None:
    reader, q, period, _previous, client = s.reader, s.q, s.period, s.previous, s.client
    ref, plan, _periods, _users, _in_scope = s.ref, s.plan, s.periods, s.users, s.in_scope
    ref.counts(q, reader)
    # The register page agrees with its CSV.
    page = client.get(reverse("reports:register", args=[plan.slug]), {"period": period.code})
    assert {a.ref: label_of(a.now) for a in page.context["page"]} == {
        code: row[5] for code, row in register.items()
    }


def check_plan_page(s: Sight) -> None:
    reader, q, period, _previous, client = s.reader, s.q, s.period, s.previous, s.client
    ref, plan, _periods, _users, _in_scope = s.ref, s.plan, s.periods, s.users, s.in_scope
    expected_total = ref.counts(q, reader)
    # The plan page: each outcome, and the plan total counting each action once.
    page = client.get(plan.get_absolute_url(), {"period": period.code})
    for row in page.context["rows"]:
        got = {status.label: n for status, n in row["status_counts"] if n}
        if row["not_updated"]:
            got[NOT_YET] = row["not_updated"]
        outcome = (
            None
            if row["outcome"] is None
            else [o.pk for o in outcomes(plan)].index(row["outcome"].pk)
        )
        want = expected_total if outcome is None else ref.counts(q, reader, outcome)
        assert got == want, (reader, "plan page", row["outcome"])
        assert row["total"] == sum(want.values())


def check_outcome_pages(s: Sight) -> None:
    reader, q, period, _previous, client = s.reader, s.q, s.period, s.previous, s.client
    ref, plan, _periods, _users, in_scope = s.ref, s.plan, s.periods, s.users, s.in_scope
    ref.counts(q, reader)
    # Each outcome page: the actions in the quarter, counted once, with their statuses.
    for index, outcome in enumerate(outcomes(plan)):
        page = client.get(outcome.get_absolute_url(), {"period": period.code})
        want = {a.ref: ref.reading(a, q, reader) for a in in_scope.values()}
        want = {k: v for k, v in want.items() if index in ref.outcomes_of(in_scope[k])}
        assert page.context["action_count"] == len(want), (reader, "outcome page")
        shown = {}
        for section in page.context["sections"]:
            rows_here = [r for _, rs in section["deliverables"] for r in rs] + section["actions"]
            for action, status, note in rows_here:
                if not note:
                    shown[action.ref] = label_of(status)
        assert shown == want, (reader, "outcome page", outcome.name)


def check_dashboard(s: Sight) -> None:
    reader, q, period, previous, _client = s.reader, s.q, s.period, s.previous, s.client
    ref, plan, periods, users, in_scope = s.ref, s.plan, s.periods, s.users, s.in_scope
    expected_total = ref.counts(q, reader)
    # The dashboard, as this reader's page builds it.
    data = build_dashboard(plan, period, users[reader])
    assert row_counts(data.overall) == expected_total, (reader, "dashboard")
    for index, row in enumerate(data.outcomes):
        assert row_counts(row) == ref.counts(q, reader, index), (reader, "dashboard outcome")
    by_directorate = ref.directorate_counts(q, reader)
    assert {r.label: row_counts(r) for r in data.directorates} == {
        {"CH": "Children & Education", "PH": "Public Health", "none": "No directorate"}[k]: v
        for k, v in by_directorate.items()
    }
    if previous is not None:
        kinds: dict[str, int] = {}
        red = set()
        for a in in_scope.values():
            now, before = ref.reading(a, q, reader), ref.reading(a, previous, reader)
            kind = ref.movement(now, before)
            kinds[kind] = kinds.get(kind, 0) + 1
            if ref.turned_red(now, before):
                red.add(a.ref)
        figures = {kind: figure[0] for kind, figure in data.movement.items() if figure[0]}
        assert figures == {**kinds, **({"turned_red": len(red)} if red else {})}, reader
        assert {a.ref for a in data.turned_red} == red
        assert sum(v for k, v in figures.items() if k != "turned_red") == len(in_scope)
    for column in data.trend:
        index = periods.index(next(p for p in periods if p.pk == column.period.pk))
        assert row_counts(column) == ref.counts(index, reader), (reader, "trend")
    if period.is_open:
        progress = {k: v for k, v in data.progress_totals.items() if k != "outstanding"}
        assert progress == ref.progress(q)


def check_tracker(s: Sight) -> None:
    reader, q, period, _previous, _client = s.reader, s.q, s.period, s.previous, s.client
    ref, _plan, _periods, users, in_scope = s.ref, s.plan, s.periods, s.users, s.in_scope
    ref.counts(q, reader)
    # The tracker workbook: one row per placement of each action in the quarter.
    book = openpyxl.load_workbook(io.BytesIO(export_quarter(period, users[reader])))
    exported = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=4, values_only=True):
            if row[3]:
                exported.setdefault(row[3], set()).add((sheet.cell(1, 1).value, row[5] or NOT_YET))
    assert {k: {s for _, s in v} for k, v in exported.items()} == {
        code: {ref.reading(a, q, reader)} for code, a in in_scope.items() if ref.outcomes_of(a)
    }, (reader, "tracker")


def check_api(s: Sight) -> None:
    """The read-only API, with a token acting as the reader: each action's status, previous
    status and commentary, the counts they make, and which updates it may read at all."""
    from api.models import ApiToken, hash_token

    reader, q, period, previous, ref = s.reader, s.q, s.period, s.previous, s.ref
    ApiToken.objects.create(
        name=reader, user=s.users[reader], key_hash=hash_token(f"t-{reader}"), key_prefix="t"
    )
    headers = {"Authorization": f"Bearer t-{reader}"}
    body = (
        Client()
        .get(
            "/api/actions",
            {"plan": s.plan.slug, "period": period.code, "limit": 200},
            headers=headers,
        )
        .json()
    )
    got = {item["ref"]: item for item in body["items"]}
    assert set(got) == set(s.in_scope) and body["count"] == len(s.in_scope), (reader, "api")
    counts: dict = {}
    for code, a in s.in_scope.items():
        now = got[code]["status"]["label"] if got[code]["status"] else NOT_YET
        assert now == ref.reading(a, q, reader), (reader, code, "api now")
        before = ref.reading(a, previous, reader) if previous is not None else None
        api_before = got[code]["previous_status"]
        assert (api_before["label"] if api_before else None) == (
            before if before != NOT_YET else None
        ), (reader, code, "api before")
        assert got[code]["commentary"] == ref.commentary(a, q, reader), (reader, code)
        counts[now] = counts.get(now, 0) + 1
    assert counts == ref.counts(q, reader), (reader, "api counts")
    updates = (
        Client().get("/api/updates", {"plan": s.plan.slug, "limit": 200}, headers=headers).json()
    )
    readable = {
        (a.ref, QUARTERS[index])
        for a in ref.world.actions
        for index, u in a.updates.items()
        if u.state == "approved" or ref.sees_work(reader, a)
    }
    assert {
        (u["action"]["ref"], tuple(int(x) for x in _quarter_of(u["period"])))
        for u in updates["items"]
    } == readable, (reader, "api updates")


def _quarter_of(code: str) -> tuple[int, int]:
    """2023-24-Q3 -> (2023, 3), as QUARTERS writes them."""
    return int(code[:4]), int(code[-1])


def outcomes(plan) -> list[StrategicOutcome]:
    return list(plan.outcomes.order_by("order", "name"))


def check_report(world: World, ref: Reference, plan, periods) -> None:
    """The exception report counts what everyone may read: the viewer's figures."""
    q = world.period
    previous = q - 1 if q > 0 else None
    report = build_report(ExceptionReport(plan=plan, period=periods[q], version=1))
    labels = {s.id: s.label for s in report.statuses}

    def as_labels(counts: dict) -> dict:
        return {NOT_YET if k == "none" else labels[int(k)]: n for k, n in counts.items() if n}

    assert as_labels(report.overview_counts) == ref.counts(q, None) == ref.counts(q, "viewer")
    in_scope = ref.actions_in(q)
    for index, section in enumerate(report.sections):
        members = [a for a in in_scope if index in ref.outcomes_of(a)]
        assert as_labels(section.counts) == ref.counts(q, None, index)
        assert section.total == len(members)
        assert sorted(line.ref for line in section.exceptions) == sorted(
            a.ref for a in members if ref.reading(a, q, None) in EXCEPTION
        )
        before = {
            a.ref: ref.reading(a, previous, None) if previous is not None else None for a in members
        }
        assert sorted(line.ref for line in section.moved_in) == sorted(
            a.ref
            for a in members
            if ref.reading(a, q, None) in EXCEPTION
            and ref.real(before[a.ref])
            and before[a.ref] not in EXCEPTION
        )
        assert sorted(line.ref for line in section.recovered) == sorted(
            a.ref
            for a in members
            if before[a.ref] in EXCEPTION
            and ref.real(ref.reading(a, q, None))
            and ref.reading(a, q, None) not in EXCEPTION
        )
    assert sorted(line.ref for line in report.no_update) == sorted(
        a.ref for a in in_scope if ref.reading(a, q, None) in ("No Update", NOT_YET, AWAITING)
    )
    for line in report.no_update:
        assert len(line.outcomes) == len(set(line.outcomes))


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_every_surface_gives_the_reference_counts_for_every_audience(world, users, directorates):
    ref = Reference(world)
    with transaction.atomic():
        plan, periods = build(world, users, directorates)
        for spec in world.actions:
            action = Action.objects.get(plan=plan, ref=spec.ref)
            want = ref.completed_in(spec)
            assert action.completed_in_id == (periods[want].pk if want is not None else None)
        for reader in READERS:
            check_reader(reader, world, ref, plan, periods, users)
        check_report(world, ref, plan, periods)
        progress = submission_progress(periods[world.period])[1]
        assert {k: v for k, v in progress.items() if k != "outstanding"} == ref.progress(
            world.period
        )
        transaction.set_rollback(True)
