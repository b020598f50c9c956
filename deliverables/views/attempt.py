"""How the cycle's pages run a write and say how it went, written once for every decision
(approve, return, withdraw, for updates and indicator values alike)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from deliverables.workflow import NotAllowed, WorkflowError


def attempt(
    request: HttpRequest, write: Callable[[], object], done: str, form: forms.Form | None = None
) -> bool:
    """Run `write`: a role or directorate that may not is refused (403); any other refusal
    of the cycle (a closed quarter, a stale form) is said on `form`, or as a message, and
    nothing is written; success is said as `done`. True when it was done."""
    try:
        write()
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except WorkflowError as error:
        if form is not None:
            form.add_error(None, str(error))
        else:
            messages.error(request, str(error))
        return False
    messages.success(request, done)
    return True
