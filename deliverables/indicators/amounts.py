"""What an indicator figure may be, written once for every door (entry, import, comparators,
targets): the database holds 14 digits before the point and 4 after (models AMOUNT)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PLACES = Decimal("0.0001")
LARGEST = Decimal("99999999999999.9999")
TOO_LARGE = "is too large: a figure can have at most 14 digits before the decimal point"


def stored_amount(value: Decimal | None) -> Decimal | None:
    """The figure as it will be stored (rounded to 4 places), or None when it cannot be: not
    finite, or too large. Comparing stored amounts makes a re-import of the same file settle."""
    if value is None:
        return None
    try:
        if not value.is_finite():
            return None
        rounded = value.quantize(PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    return rounded if abs(rounded) <= LARGEST else None
