"""The public pages' cache: each page and file kept, per plan, until something is published.

A response is cached under its plan's generation. Publishing a report, publishing, closing or
reopening a period, and switching a plan's public pages on or off all save one of the three
models below, which moves the plan to a new generation: every cached page of that plan is
then out of date at once (clearing on publish), and the old entries expire on their own.
Edits to the plan's structure (a renamed action) reach the public within
PUBLIC_CACHE_SECONDS.

The cache never decides what is public: a view checks `public.rules` against the database
before it asks the cache, so a reopened period is gone at once whatever is cached.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse

from public.rules import shows_officer_names

KEY = "public:v1"


def _generation_key(plan_id: int) -> str:
    return f"{KEY}:generation:{plan_id}"


def generation(plan_id: int) -> str:
    return cache.get_or_set(_generation_key(plan_id), _new_generation, timeout=None)


def _new_generation() -> str:
    # Random, never a counter: a counter evicted from the cache would start again at 1 and
    # could meet entries of that old generation still kept.
    return uuid.uuid4().hex


def clear_plan(plan_id: int) -> None:
    """Make every cached public page of the plan out of date."""
    cache.set(_generation_key(plan_id), _new_generation(), timeout=None)


def cached_response(plan_id: int, parts: tuple, build: Callable[[], HttpResponse]) -> HttpResponse:
    """The response `build` makes, from the cache when the plan has not changed since.

    `parts` name the page (its URL name and arguments); only successful responses are kept,
    with their content type and content disposition.
    """
    # The council's choice about names is in the key: turning names off must take them off at
    # once. Hashed, so many plans' generations (the feed of every plan) stay a short key.
    named = ":".join(
        [str(plan_id), generation(plan_id), str(shows_officer_names()), *map(str, parts)]
    )
    key = f"{KEY}:{hashlib.sha256(named.encode()).hexdigest()}"
    kept = cache.get(key)
    if kept is not None:
        content, headers = kept
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response
    response = build()
    if response.status_code == 200 and not response.streaming:
        headers = {
            name: response[name]
            for name in ("Content-Type", "Content-Disposition", "Link")
            if response.has_header(name)
        }
        cache.set(key, (response.content, headers), timeout=settings.PUBLIC_CACHE_SECONDS)
    return response


def _plan_id_of(instance) -> int | None:
    # A Plan is its own plan; periods and reports carry plan_id.
    if instance._meta.model_name == "plan":
        return instance.pk
    return getattr(instance, "plan_id", None)


def on_change(sender, instance, **kwargs) -> None:
    plan_id = _plan_id_of(instance)
    if plan_id is not None:
        clear_plan(plan_id)


def connect() -> None:
    """Called from PublicConfig.ready()."""
    from plans.models import Plan, ReportingPeriod
    from reports.models import ExceptionReport

    for model in (Plan, ReportingPeriod, ExceptionReport):
        post_save.connect(on_change, sender=model, dispatch_uid=f"public-cache-{model.__name__}")
        post_delete.connect(
            on_change, sender=model, dispatch_uid=f"public-cache-del-{model.__name__}"
        )
