"""Sign-in lockout on top of django-axes: per user name and address as before, and also per
account whatever the address, so guessing spread over many addresses still stops.

The address counts an IPv6 client by its /64, the block one household or office is usually
given, so rotating through one's own /64 is one address, not eighteen quintillion.
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from plans.client_ip import client_ip


def lockout_address(request: HttpRequest) -> str | None:
    """The client's address for counting failures: an IPv6 address stands for its /64."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    # The /64's first address: axes stores an address, not a network.
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)


def account_failures(request: HttpRequest, credentials: dict | None) -> int:
    """Failed sign-ins for this user name within the cool-off, from every address."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    total = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


class AccountLockoutHandler(AxesDatabaseHandler):
    """Locked when this user name and address reach AXES_FAILURE_LIMIT, or when this user name
    reaches ACCOUNT_LOCKOUT_FAILURES from any number of addresses."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # Axes compares this one number with its limit, both before a sign-in and after a
        # failure: an account over its own limit reads as at the limit from every address.
        failures = super().get_failures(request, credentials)
        if account_failures(request, credentials) >= settings.ACCOUNT_LOCKOUT_FAILURES:
            return max(failures, get_failure_limit(request, credentials))
        return failures
