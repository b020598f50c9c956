"""The states and sources of a quarterly update, and the workflow states progress counts."""

from __future__ import annotations

from django.db import models


class UpdateState(models.TextChoices):
    # An action with no update row for a quarter is "not started".
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class UpdateSource(models.TextChoices):
    ENTERED = "entered", "Entered in the browser"
    IMPORTED = "imported", "Imported from a spreadsheet"
    CLOSE = "close", "Marked No Update when the quarter closed"


# The workflow states the submission progress counts. "closed_no_update" is the No Update that
# closing a quarter writes for an action with nothing submitted: never counted as an approval.
PROGRESS_STATES = (*(state.value for state in UpdateState), "closed_no_update")
