"""What the plan promises and what directorates do about it, quarter by quarter.

A package by kind: actions (deliverables, actions, placements, delegates), updates (the
quarterly updates), states (their states and sources) and records (reminders and imports).
"""

from deliverables.models.actions import (
    Action,
    ActionDelegate,
    ActionPlacement,
    ActionQuerySet,
    Deliverable,
    ref_ordering,
    submission_progress,
)
from deliverables.models.indicator_imports import IndicatorImport, IndicatorImportKind
from deliverables.models.indicators import (
    Comparator,
    ComparatorKind,
    Frequency,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Polarity,
    ToleranceKind,
    Unit,
)
from deliverables.models.links import ActionContribution, Recommendation
from deliverables.models.milestones import Milestone, MilestoneCompletion
from deliverables.models.records import (
    ImportLayout,
    ImportRecord,
    ImportRecordQuerySet,
    ImportStage,
    ImportStatus,
    Notification,
    NotificationKind,
    ReminderLog,
)
from deliverables.models.states import PROGRESS_STATES, UpdateSource, UpdateState
from deliverables.models.updates import QuarterlyUpdate, QuarterlyUpdateQuerySet

__all__ = [
    "PROGRESS_STATES",
    "Action",
    "ActionContribution",
    "ActionDelegate",
    "ActionPlacement",
    "ActionQuerySet",
    "Comparator",
    "ComparatorKind",
    "Deliverable",
    "Frequency",
    "ImportLayout",
    "ImportRecord",
    "ImportRecordQuerySet",
    "ImportStage",
    "ImportStatus",
    "Indicator",
    "IndicatorImport",
    "IndicatorImportKind",
    "IndicatorTarget",
    "IndicatorValue",
    "Milestone",
    "MilestoneCompletion",
    "Notification",
    "NotificationKind",
    "Polarity",
    "QuarterlyUpdate",
    "QuarterlyUpdateQuerySet",
    "Recommendation",
    "ReminderLog",
    "ToleranceKind",
    "Unit",
    "UpdateSource",
    "UpdateState",
    "ref_ordering",
    "submission_progress",
]
