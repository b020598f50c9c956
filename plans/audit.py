"""The audit log: a database row for administrators, and a log line that cannot be forged.

User input (a user name typed at sign-in, a file name, a reason) is written to the log with
its control characters escaped, so nothing a user types can start a new, fake log line.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.http import HttpRequest

from plans.client_ip import client_ip as _client_ip
from plans.models import AuditEvent

logger = logging.getLogger("sandwell_perf.audit")

# Refusals (403, 404, a failed CSRF check) recorded one by one per person (or, signed out, per
# address) in a minute; past that, one more event says so and the rest of the minute is not
# recorded: a scan of thousands of addresses cannot flood the log.
REFUSALS_PER_MINUTE = 10


def escape_for_log(value: object) -> str:
    """One line, whatever the input: newlines and other control characters made visible."""
    text = str(value)
    return "".join(
        char if char.isprintable() or char == " " else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return _client_ip(request)


def audit(
    kind: str,
    message: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    path: str | None = None,
) -> AuditEvent:
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    if path is None:
        path = request.get_full_path() if request is not None else ""
    event = AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=client_ip(request),
        path=path[:500],
        message=message,
    )
    logger.warning(
        "%s user=%s ip=%s path=%s %s",
        kind,
        escape_for_log(event.username or "-"),
        event.ip_address or "-",
        escape_for_log(event.path or "-"),
        escape_for_log(message),
    )
    return event


def audit_refusal(kind: str, message: str, request: HttpRequest) -> AuditEvent | None:
    """Record a refusal, unless this person or address has had their share this minute."""
    user = getattr(request, "user", None)
    who = f"user-{user.pk}" if user is not None and user.is_authenticated else client_ip(request)
    key = f"audit-refusals:{who}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        count = 1
    if count <= REFUSALS_PER_MINUTE:
        return audit(kind, message, request=request)
    if count == REFUSALS_PER_MINUTE + 1:
        return audit(
            kind,
            f"More than {REFUSALS_PER_MINUTE} refusals in a minute: the rest of this minute's "
            "are not recorded one by one",
            request=request,
        )
    return None
