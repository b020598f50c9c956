"""How every public address is reached: by anyone, signed in or not, reading only."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.views.decorators.http import require_safe

from plans.second_factor import second_factor_not_required


def public_view(view: Callable) -> Callable:
    """No sign-in, no second factor; GET and HEAD (link checkers, uptime monitors, `curl -I`),
    every other method 405."""
    return login_not_required(second_factor_not_required(require_safe(view)))
