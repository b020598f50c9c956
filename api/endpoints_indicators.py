"""Indicators read for a period: deliverables.indicators.readings.quarter_readings, the one
place every page gets a quarter's figures from, for the token's account."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Query

from api.base import api, page, period_of, plan_of
from api.endpoints_plans import ERRORS
from api.schemas import IndicatorPage, PageParams
from deliverables.indicators.readings import Reading, quarter_readings


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


def _indicator_out(reading: Reading) -> dict:
    indicator = reading.indicator
    return {
        "code": indicator.code,
        "title": indicator.title,
        "unit": indicator.unit,
        "frequency": indicator.frequency,
        "point": reading.code,
        "value": _text(reading.value),
        "value_text": reading.value_text,
        "awaiting": reading.awaiting,
        "target": _text(reading.target),
        "rag": reading.rag,
        "rag_label": reading.rag_label,
        "direction": reading.direction,
        "commentary": reading.commentary,
    }


@api.get("/indicators", response={200: IndicatorPage, **ERRORS}, tags=["indicators"])
def indicators(
    request: HttpRequest, plan: str, paging: Query[PageParams], period: str | None = None
):
    """The plan's active indicators read for a period (by default the latest that has
    opened), in the plan's order: a figure only where its value counts for this account."""
    found = plan_of(request, plan)
    reading = period_of(found, period)
    readings = quarter_readings(found, reading, request.user) if reading is not None else []
    return page(readings, paging, _indicator_out)
