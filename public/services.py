"""Writes of the public pages: switching a plan's public pages on or off."""

from __future__ import annotations

from django.db import transaction

from deliverables.workflow import NotAllowed
from plans.audit import audit
from plans.models import AuditKind, Plan, User
from plans.permissions import can_open_to_public
from public.files import plan_opened


@transaction.atomic
def plan_public_set(user: User, plan: Plan, public: bool, *, request=None) -> bool:
    """Switch the plan's public pages on or off; True when that changed anything.

    Saving the plan moves its public cache to a new generation (public.cache), so the pages
    appear or disappear at once. Switching them on asks, after the commit, for the public PDF
    of every public report (public.files), made by the worker. Switching to the state the plan
    is already in writes nothing.
    """
    if not can_open_to_public(user):
        raise NotAllowed("Only the performance team opens plans to the public.")
    # Locked, so two people switching at once leave one audit event per real change.
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.public == public:
        plan.public = public
        return False
    locked.public = public
    locked.save(update_fields=["public"])
    plan.public = public
    if public:
        plan_opened(plan.pk)
    audit(
        AuditKind.PUBLIC,
        f"{plan.name}: public pages switched {'on' if public else 'off'}",
        user=user,
        request=request,
    )
    return True
