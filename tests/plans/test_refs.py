import pytest

from plans.refs import clean_text, normalise_ref, normalise_title, ref_prefix


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
