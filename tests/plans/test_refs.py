import doctest

import pytest

from deliverables.models import Action
from plans import refs
from plans.refs import (
    clean_text,
    normalise_ref,
    normalise_title,
    ref_order,
    ref_prefix,
    ref_sort_key,
)
from tests import factories


@pytest.mark.parametrize(
    ("entered", "normalised"),
    [
        ("CH9", "CH9"),
        ("СН9", "CH9"),  # Cyrillic Es and En, as pasted in the council's tracker
        ("ACE 27", "ACE27"),
        ("ACE27", "ACE27"),
        ("PH.6", "PH6"),
        ("РН6", "PH6"),  # Cyrillic Er and En
        ("ASC17a", "ASC17A"),
        ("ASC 19", "ASC19"),
        ("н15", "H15"),  # lower-case Cyrillic en reads as a small capital H
        ("В3", "B3"),
        ("  r8 ", "R8"),
        ("", ""),
        (None, ""),
    ],
)
def test_references_fold_to_one_comparable_form(entered, normalised):
    assert normalise_ref(entered) == normalised


def test_cyrillic_and_latin_references_are_the_same_reference():
    assert normalise_ref("СН9") == normalise_ref("CH9")
    assert normalise_ref("ACE 27") == normalise_ref("ACE27")


@pytest.mark.parametrize(
    ("ref", "prefix"),
    [("ASC17a", "ASC"), ("ACE 27", "ACE"), ("R8", "R"), ("PH.6", "PH"), ("17", "")],
)
def test_the_directorate_prefix_is_the_leading_letters(ref, prefix):
    assert ref_prefix(ref) == prefix


def test_titles_compare_without_case_punctuation_or_tags():
    assert normalise_title("<p>Embedding Strengths Based Practice Project.</p>") == normalise_title(
        "embedding strengths-based practice project"
    )


def test_clean_text_trims_non_breaking_and_trailing_space():
    assert clean_text("\u00a0On Track \u00a0 ") == "On Track"
    assert clean_text(None) == ""


def test_the_examples_in_the_docstrings_hold():
    assert doctest.testmod(refs).failed == 0


def test_references_sort_naturally_with_no_reference_last():
    entered = ["CH11", "", "ASC17a", "CH2", None, "CH10", "ASC9", "CH1", "ASC17", "ASC17b"]
    assert sorted(entered, key=ref_sort_key)[:8] == [
        "ASC9", "ASC17", "ASC17a", "ASC17b", "CH1", "CH2", "CH10", "CH11",
    ]  # fmt: skip
    assert sorted(entered, key=ref_sort_key)[8:] in (["", None], [None, ""])


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("CH1", "CH00000001"),
        ("CH10", "CH00000010"),
        ("ASC17a", "ASC00000017A"),
        ("СН9", "CH00000009"),  # Cyrillic: the same key as the Latin CH9
        ("ACE 27", "ACE00000027"),
        ("A1b2", "A00000001B00000002"),  # every number padded, not only the last
        ("", None),
        (None, None),
        ("-", None),
    ],
)
def test_the_sort_key_pads_every_number(ref, key):
    assert ref_order(ref) == key


@pytest.mark.django_db
def test_the_database_sorts_the_keys_as_python_does():
    """Padded capitals and digits compare alike under SQLite and PostgreSQL's collation."""
    plan = factories.plan()
    entered = ["CH11", "ASC17a", "CH2", "", "CH10", "ASC9", "CH1", "ASC17", "B3", "b10", "Z"]
    for ref in entered:
        factories.action(plan, ref)
    listed = [a.ref for a in Action.objects.for_plan(plan).by_ref()]
    assert listed == sorted(entered, key=ref_sort_key)
    assert listed[-1] == ""
