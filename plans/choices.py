"""The fixed choices of the plan's frame: how often a user is emailed, where a quarter stands,
what the audit log records. Re-exported by plans.models."""

from __future__ import annotations

from django.db import models


class NotificationFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "As each thing happens"
    DAILY = "daily", "In one email a day"


class PlanFrequency(models.TextChoices):
    """How often a plan reports: the Corporate Plan by quarter, the Improvement Plan monthly."""

    QUARTERLY = "quarterly", "Quarterly"
    MONTHLY = "monthly", "Monthly"


class PeriodState(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    OPEN = "open", "Open for updates"
    CLOSED = "closed", "Closed"
    PUBLISHED = "published", "Published"


class AuditKind(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SESSION_EXPIRED = "session_expired", "Session ended by its time limit"
    DENIED = "denied", "Permission denied"
    IMPORT = "import", "Tracker import"
    QUARTER = "quarter", "Quarter opened, closed or reopened"
    REPORT_PUBLISHED = "report_published", "Exception report published"
    PEOPLE = "people", "Lead officers, approvers or directorates assigned"
    NOT_FOUND = "not_found", "Not found, or not theirs to see"
    CSRF_FAILED = "csrf_failed", "Form refused: its security token was missing or wrong"
    ACCESS = "access", "Roles, directorates, permissions or account status changed"
    PUBLIC = "public", "Public pages switched on or off"
    API_TOKEN = "api_token", "API token made or revoked"
    API = "api", "API read with a token"
