"""Reading a quarter however someone types it; writing it one way."""

import doctest

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from plans import periods
from plans.periods import canonical_period_code, parse_period_code


def test_the_examples_in_the_docstrings_hold():
    assert doctest.testmod(periods).failed == 0


@pytest.mark.parametrize(
    "typed",
    [
        "2024-25-Q1",  # the canonical code
        "Q1 2024/25",  # as the pages write it
        "2024/25 Q1",
        "q1 2024/25",
        "2024-25-q1",
        "Q1 2024/2025",
        "2024/2025 Q1",
        "2024-2025-Q1",
        "Q1 2024\u201325",  # en dash
        "2024\u201425 Q1",  # em dash
        "  Q1   2024 / 25  ",
        "Q 1 2024/25",
        "Q1, 2024/25",
        "2024/25-Q1",
        "Q1-2024-25",
        "\u00a0Q1\u00a02024/25",  # non-breaking spaces, as pasted from a document
    ],
)
def test_a_quarter_is_read_however_it_is_typed(typed):
    assert parse_period_code(typed) == (2024, 1)
    assert canonical_period_code(typed) == "2024-25-Q1"


def test_the_turn_of_the_century_is_a_financial_year():
    assert canonical_period_code("Q4 1999/00") == "1999-00-Q4"
    assert canonical_period_code("1999/2000 Q4") == "1999-00-Q4"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2024/26 Q1", "2024/26 is not a financial year"),  # the wrong financial year
        ("Q1 2024/2026", "2024/2026 is not a financial year"),
        ("2025-24-Q1", "2025/24 is not a financial year"),
        ("2024-25-Q5", "is not a quarter: a financial year has Q1 (April to June) to Q4"),
        ("Q0 2024/25", "is not a quarter: a financial year has Q1"),
        ("", "is not a quarter: write it like 2024-25-Q1, Q1 2024/25 or 2024/25 Q1"),
        (None, "is not a quarter: write it like"),
        ("Q1 24/25", "is not a quarter: write it like"),  # which century?
        ("2024 Q1", "is not a quarter: write it like"),  # which financial year?
        ("Q1", "is not a quarter: write it like"),
        ("2024/25", "is not a quarter: write it like"),
        ("Q1 2024/25 Q2", "is not a quarter: write it like"),
        ("2024-25-Q1; DROP TABLE", "is not a quarter: write it like"),
        ("Q\u0661 2024/25", "is not a quarter: write it like"),  # an Arabic-Indic one
    ],
)
def test_what_is_not_a_quarter_is_refused_with_the_forms_it_takes(typed, message):
    with pytest.raises(ValueError) as error:
        parse_period_code(typed)
    assert message in str(error.value)


def test_the_wrong_financial_year_names_the_forms_it_takes():
    with pytest.raises(ValueError) as error:
        parse_period_code("2024/26 Q1")
    assert "write it like 2024-25-Q1, Q1 2024/25 or 2024/25 Q1" in str(error.value)


@pytest.mark.parametrize("written", ["Q1 2024/25", "2024-25-q1", "2024-2025-Q1", "2024/25 Q1"])
def test_urls_take_only_the_canonical_code(written):
    assert resolve("/plans/p/quarters/2024-25-Q1/").url_name == "quarter"
    with pytest.raises(Resolver404):
        resolve(f"/plans/p/quarters/{written}/")
    with pytest.raises(NoReverseMatch):
        reverse("deliverables:quarter", args=["p", written])
