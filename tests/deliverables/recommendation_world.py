"""A plan's recommendations register for the recommendation tests (pages, rule and report).

On `cycle` (Q3 closed: CH6 On Track, CH5 Delayed, PH5 Complete, F1 no update; Q4 open):
- Grant Thornton Statutory Rec 3, answered by CH6 and CH5;
- CIPFA 1.5, answered by PH5 (complete in Q3) and F1;
- CIPFA 1.6, answered by CH6, whose milestones are one complete, one overdue, one to come.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from deliverables.models import Milestone, Recommendation


def make(cycle) -> SimpleNamespace:
    plan = cycle.plan
    today = timezone.localdate()
    rec3 = Recommendation.objects.create(
        plan=plan,
        body="Grant Thornton",
        source="Value for Money Governance Review",
        reference="Statutory Rec 3",
        text="The council must put in place a corporate plan with clear performance measures.",
        made_on=dt.date(2022, 1, 10),
        order=1,
    )
    rec3.actions.set([cycle.ch6, cycle.ch5])
    cipfa15 = Recommendation.objects.create(
        plan=plan, body="CIPFA", reference="1.5", text="Strengthen budget setting.", order=2
    )
    cipfa15.actions.set([cycle.ph5, cycle.f1])
    cipfa16 = Recommendation.objects.create(
        plan=plan, body="CIPFA", reference="1.6", text="Review reserves.", order=3
    )
    cipfa16.actions.set([cycle.ch6])
    milestones = [
        Milestone.objects.create(
            action=cycle.ch6,
            title="Phase 1 engagement",
            start_date=dt.date(2022, 5, 1),
            due_date=dt.date(2022, 7, 31),
            completed_on=dt.date(2022, 7, 20),
            order=1,
        ),
        Milestone.objects.create(
            action=cycle.ch6,
            title="Phase 2 consultation",
            start_date=today - dt.timedelta(days=60),
            due_date=today - dt.timedelta(days=1),
            order=2,
        ),
        Milestone.objects.create(
            action=cycle.ch6, title="Phase 3 launch", date_note="TBC", order=3
        ),
    ]
    return SimpleNamespace(
        cycle=cycle, plan=plan, rec3=rec3, cipfa15=cipfa15, cipfa16=cipfa16, milestones=milestones
    )
