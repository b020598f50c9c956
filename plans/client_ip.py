"""The address a request came from, for lockouts and the audit log.

Without a proxy it is the connection's address. Behind DJANGO_PROXY_COUNT proxies, each of
which appends the address it was connected from to X-Forwarded-For, the client is the entry
that many places from the right: anything further left was written by the client and could
say anything. A header shorter than that, or not an address, means the proxies are not as
configured, and the connection's own address is used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.PROXY_COUNT
    if not count:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [e for e in entries if e]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
