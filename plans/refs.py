"""Reference and text normalisation shared by the models, the importer and the views.

Council references are typed by hand and pasted between documents: "ACE 27", "PH.6",
"ASC17a", and some arrive with Cyrillic or Greek letters that look Latin ("СН9" is C-H-9 in
Cyrillic). References are stored as entered and compared in the folded form made here.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that render like Latin capitals in the fonts councils use. Lower-case Cyrillic
# "н" and "т" look like small capitals H and T, and that is how they were typed in the data.
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic capitals
        "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K",
        "М": "M", "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y",
        # Cyrillic small letters
        "а": "a", "в": "b", "с": "c", "е": "e", "н": "h", "і": "i", "ј": "j", "к": "k",
        "м": "m", "о": "o", "р": "p", "ѕ": "s", "т": "t", "х": "x", "у": "y",
        # Greek capitals
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        # Greek small letters that pass for Latin
        "ο": "o", "ν": "v", "ι": "i", "κ": "k",
    }
)  # fmt: skip

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_DIGITS = re.compile(r"[0-9]+")
# Wide enough for any number a reference carries; the column holds the padded form.
REF_NUMBER_WIDTH = 8
REF_ORDER_LENGTH = 200
_LEADING_LETTERS = re.compile(r"[A-Z]+")
_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]*>")


def fold_lookalikes(text: str) -> str:
    """Replace look-alike letters with the Latin letters they are read as."""
    return unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)


def normalise_ref(ref: str | None) -> str:
    """The comparable form of a reference: Latin capitals and digits only.

    >>> normalise_ref("ACE 27"), normalise_ref("PH.6"), normalise_ref("СН9")
    ('ACE27', 'PH6', 'CH9')
    """
    if not ref:
        return ""
    return _NOT_ALNUM.sub("", fold_lookalikes(str(ref)).upper())


def ref_order(ref: str | None) -> str | None:
    """The reference as it sorts, read naturally: its normalised form with each number
    zero-padded, so CH2 sorts before CH10 and ASC9 before ASC17a in Python and in SQL alike
    (capitals and digits compare the same under any collation). None for no reference, which
    the orderings put last.

    >>> ref_order("CH2"), ref_order("ch 10"), ref_order("ASC17a")
    ('CH00000002', 'CH00000010', 'ASC00000017A')
    >>> sorted(["CH10", "CH2", "CH11", "CH1"], key=ref_order)
    ['CH1', 'CH2', 'CH10', 'CH11']
    >>> ref_order(""), ref_order(" - ")
    (None, None)
    """
    normalised = normalise_ref(ref)
    if not normalised:
        return None
    padded = _DIGITS.sub(lambda m: m.group(0).zfill(REF_NUMBER_WIDTH), normalised)
    return padded[:REF_ORDER_LENGTH]


def ref_sort_key(ref: str | None) -> tuple[bool, str]:
    """A sorted() key for references read naturally, no reference last: the Python twin of
    ordering by the `ref_order` column.

    >>> sorted(["ASC17a", "", "ASC9", "CH10", "CH2"], key=ref_sort_key)
    ['ASC9', 'ASC17a', 'CH2', 'CH10', '']
    """
    key = ref_order(ref)
    return (key is None, key or "")


def ref_prefix(ref: str | None) -> str:
    """The directorate prefix of a reference: its leading letters ("ASC" of "ASC17a")."""
    match = _LEADING_LETTERS.match(normalise_ref(ref))
    return match.group(0) if match else ""


def clean_text(value: object) -> str:
    """A cell's text with non-breaking spaces, runs of white space and the ends trimmed."""
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ").replace("\u200b", "")
    return _SPACES.sub(" ", text).strip()


def normalise_title(title: str | None) -> str:
    """The comparable form of a title: no tags, case or punctuation, single spaces.

    Two rows naming "Embedding Strengths Based Practice Project." and
    "embedding strengths-based practice project" mean the same thing.
    """
    if not title:
        return ""
    text = fold_lookalikes(_TAGS.sub(" ", str(title))).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return _SPACES.sub(" ", text).strip()
