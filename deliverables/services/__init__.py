"""Writes of the quarterly cycle and of the plan's structure, each under one transaction.

A package by stage: updates, periods, actions, structure, and what they share (base).
Every change to an update goes through here (the views, the commands and the importer call
these), so the rules hold on every path: the quarter must be open, the user must be allowed,
and a form loaded before someone else's save is refused rather than overwriting it.

Optimistic locking: each update carries `version`. A change is a conditional UPDATE
`... WHERE id = %s AND version = %s AND state IN (...)`, which behaves the same on SQLite
and PostgreSQL: if another save got there first, no row matches and the change is refused.
"""

from deliverables.services.actions import (
    action_create,
    action_delegate,
    action_reinstate,
    action_reopen,
    action_undelegate,
    action_withdraw,
    actions_reassign,
    actions_refresh_completion,
    actions_report_from,
    first_quarter_for_new_action,
)
from deliverables.services.decisions import update_approve, update_return, updates_approve
from deliverables.services.people import (
    UNCHANGED,
    AssignmentRefused,
    StaleAssignment,
    actions_assign,
    assignment_preview,
    parse_seen,
)
from deliverables.services.periods import (
    later_published,
    period_close,
    period_create,
    period_extend,
    period_open,
    period_publish,
    period_reopen,
)
from deliverables.services.structure import THEME_MATCH_THRESHOLD, deliverables_place_in_themes
from deliverables.services.updates import (
    previous_update,
    update_correct,
    update_save,
    update_withdraw,
    updates_import,
)

__all__ = [
    "THEME_MATCH_THRESHOLD",
    "UNCHANGED",
    "AssignmentRefused",
    "StaleAssignment",
    "action_create",
    "action_delegate",
    "action_reinstate",
    "action_reopen",
    "action_undelegate",
    "action_withdraw",
    "actions_assign",
    "actions_reassign",
    "actions_refresh_completion",
    "actions_report_from",
    "assignment_preview",
    "deliverables_place_in_themes",
    "first_quarter_for_new_action",
    "later_published",
    "parse_seen",
    "period_close",
    "period_create",
    "period_extend",
    "period_open",
    "period_publish",
    "period_reopen",
    "previous_update",
    "update_approve",
    "update_correct",
    "update_return",
    "update_save",
    "update_withdraw",
    "updates_approve",
    "updates_import",
]
