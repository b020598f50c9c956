"""What a tracker's column means, guessed from its header words and the values below it.

Every column of a header row becomes a ColumnGuess: a meaning (meanings.MEANINGS), the
evidence for it ("header says 'RAG'; values are Green, Amber"), up to three sample values and
a confidence: high when header and values agree, medium on the header alone, low on the
values alone or a weak header. A column nothing explains is IGNORE, listed like the others.

A status or commentary column whose header names one quarter ("Q1 RAG", "Quarter 2 update",
"Apr-Jun", "Q3 October - December") is that quarter's (q1_status, q2_commentary...). In a
two-row header the quarter may sit in a group heading above ("Quarter 1 (Apr-Jun)" over
"RAG | Commentary"); the two are read as one header, "Quarter 1 (Apr-Jun) RAG".
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from openpyxl.utils.cell import get_column_letter

from deliverables.tracker.column_values import KIND_WORDS, column_kind, sample_text
from deliverables.tracker.meanings import (
    IGNORE,
    MEANING_LABELS,
    ColumnGuess,
    Mapping,
    fold,
    quarter_meaning,
)
from plans.refs import clean_text

# Column roles, tried in this order on a header folded to lower case, punctuation turned to
# spaces ("Q3 Rating - RAG" -> "q3 rating rag"); the first that matches wins. "ref" is a bare
# reference: it belongs to the text column on its right.
_REF = r"s? (ref|reference|no|number|id|code)\b"
ROLE_ALTERNATIVES: list[tuple[str, list[str]]] = [
    ("percent_complete", [r"^(percent|per cent|percentage) (complete|completed|completion|done)"]),
    ("action_ref", [rf"^(bp|business plan|action|directorate action|ad action|task){_REF}"]),
    ("deliverable_ref", [rf"^(cp|corporate plan|council plan|deliverable|plan){_REF}"]),
    ("status", [r"\brag\b", r"\brating\b", r"\bstatus$", "^progress status", "^overall status"]),
    (
        "commentary",
        [
            "commentary",
            r"comments?$",
            r"\bupdates?$",
            r"\bnotes?$",
            r"\bremarks?$",
            "^progress$",
            r"^progress (update|to date|made|report|summary|narrative)",
            "narrative",
            "april",
            "july",
            "october",
            "january",
            r"^q[1-4] (update|progress)",
        ],
    ),
    (
        "lead",
        [
            "^lead$",
            "^lead officer",
            "^responsible",
            r"\bowner$",
            "^accountable",
            "^assigned",
            r"^(action|project|task) (lead|manager)$",
        ],
    ),
    ("start", ["^start", r"^(planned|expected) start"]),
    (
        "due",
        [
            "^due",
            "deadline",
            "^target date",
            r"^target (completion|end) date",
            "^completion date",
            "^end date",
            "^end$",
            r"^(planned|expected) (end|completion|finish)",
        ],
    ),
    ("milestone", [r"^(key )?milestones?\b"]),
    ("stage", [r"^(project |current |delivery )?(stage|phase)$"]),
    (
        "action",
        [
            "directorate action",
            "business plan action",
            r"^actions?\b",
            r"^key actions?$",
            r"^activit(y|ies)$",
            "^action title",
            "^task",
            "^title$",
            "^name$",
        ],
    ),
    (
        "deliverable",
        [
            r"^deliverables?$",
            r"^deliverables? (title|name|description)$",
            r"^(corporate|council) plan deliverables?",
            "^we will",
            "aspiration",
            r"^commitments?$",
            r"^objectives?$",
        ],
    ),
    (
        "outcome",
        [
            r"^strategic outcomes?$",
            r"^outcomes?$",
            r"^priorit(y|ies)$",
            "council plan priority",
            "^ambition$",
        ],
    ),
    ("theme", [r"^themes?$", r"^workstreams?$", r"^sub themes?$"]),
    ("directorate", [r"^directorates?$", "^service area$", "^department$"]),
    (
        "external_ref",
        [r"^(external )?reference$", "^source$", "recommendation", r"^review ref"],
    ),
    ("ref", [r"^((ref|reference)( no| number| id| code)?|no|number|id|code)$"]),
]
ROLE_PATTERNS = [(role, re.compile("|".join(alts))) for role, alts in ROLE_ALTERNATIVES]
# Headers that name a meaning only faintly: "Progress" may be words or a percentage.
_WEAK = re.compile(r"^(progress|name|notes?|end|source|reference)$")
_EXPLICIT_COMMENTARY = re.compile(r"comment|update|narrative|note|remark|progress \w")
_PERCENT_WORDS = {"complete", "completed", "completion", "done", "progress"}
_HEADER_CELL_MAX = 80
_HEADER_WORDS_MAX = 8  # "Key deliverables (Directorate Action)" is four; a data sentence is more

# Quarters of the financial year: Q1 is April to June.
_QUARTER_PATTERNS = [
    re.compile(r"\bq([1-4])\b"),
    re.compile(r"\bquarter ([1-4])\b"),
    re.compile(r"\b([1-4])(?:st|nd|rd|th) quarter\b"),
]
_MONTH_RANGES = [
    (1, re.compile(r"\bapr(?:il)? (?:to )?june?\b")),
    (2, re.compile(r"\bjul(?:y)? (?:to )?sep(?:t|tember)?\b")),
    (3, re.compile(r"\boct(?:ober)? (?:to )?dec(?:ember)?\b")),
    (4, re.compile(r"\bjan(?:uary)? (?:to )?mar(?:ch)?\b")),
    (1, re.compile(r"\bapril\b")),
    (2, re.compile(r"\bjuly\b")),
    (3, re.compile(r"\boctober\b")),
    (4, re.compile(r"\bjanuary\b")),
]
_QUARTER_WORDS = re.compile(
    r"\b(q[1-4]|quarter|[1-4](st|nd|rd|th)|[1-4]|fy|20\d\d|\d\d|apr|april|may|june?|july?|aug"
    r"|august|sep|sept|september|oct|october|nov|november|dec|december|jan|january|feb"
    r"|february|mar|march|to)\b"
)


@lru_cache(maxsize=4096)
def header_role(text: str) -> str | None:
    """The role a header cell names, or None. "Key deliverables (Directorate Action)" -> action."""
    folded = fold(text)
    if len(text) > _HEADER_CELL_MAX or len(folded.split()) > _HEADER_WORDS_MAX:
        return None
    if "%" in text and (not folded or _PERCENT_WORDS & set(folded.split())):
        return "percent_complete"  # "% Complete", "Progress (%)"
    if not folded:
        return None
    for role, pattern in ROLE_PATTERNS:
        if pattern.search(folded):
            return role
    if quarter_named(folded) and not _QUARTER_WORDS.sub("", folded).strip():
        return "commentary"  # a header that only names a quarter: "Apr-Jun", "Q1 2023/24"
    return None


def quarter_named(folded: str) -> int | None:
    """The one quarter a folded header names ("q3 rating rag", "jul sep commentary"), if any."""
    found = {int(m.group(1)) for p in _QUARTER_PATTERNS for m in p.finditer(folded)}
    if not found:
        found = {q for q, pattern in _MONTH_RANGES if pattern.search(folded)}
    return found.pop() if len(found) == 1 else None


_AGREES = {
    "action_ref": {"refs", "numbers"},
    "deliverable_ref": {"refs", "numbers"},
    "external_ref": {"refs", "numbers", "text", "long text"},
    "status": {"status"},
    "commentary": {"text", "long text"},
    "start": {"dates"},
    "due": {"dates"},
    "percent_complete": {"percent", "numbers"},
    "stage": {"text", "status"},
    "lead": {"text"},
    "directorate": {"text"},
}
_TEXT_KINDS = {"text", "long text"}


def _quote(header: str) -> str:
    return f"'{header}'" if header else "no header"


def judge(header: str, role: str | None, values: list) -> tuple[str, str, str, list[str]]:
    """(meaning, evidence, confidence, samples) of one column from its header and values.

    `role` is header_role(header): a meaning, "ref" already placed, or None."""
    folded = fold(header)
    samples = list(dict.fromkeys(sample_text(v) for v in values))[:3]
    kind = column_kind(values)
    said = f"header says {_quote(header)}" if header else "no header"
    seen = f"values are {', '.join(samples)}" if samples else "no values below it"
    quarter = quarter_named(folded)
    if role is None:
        values_say = {"status": "status", "percent": "percent_complete", "dates": "due"}
        meaning = values_say.get(kind)
        if meaning is None:
            return IGNORE, f"{said}; {seen}: nothing the importer reads", "low", samples
        return (
            meaning,
            f"{said}; values look like {KIND_WORDS[kind]}: {', '.join(samples)}",
            "low",
            samples,
        )
    if role == "commentary" and kind in {"percent", "numbers"} and _WEAK.match(folded):
        return "percent_complete", f"{said}; {seen}, a percentage", "high", samples
    if role == "commentary" and kind == "status" and not _EXPLICIT_COMMENTARY.search(folded):
        evidence = f"{said}{f' (names Q{quarter})' if quarter else ''}; {seen}"
        return "status", evidence, "high", samples
    weak = bool(_WEAK.match(folded))
    agrees = kind in _AGREES.get(role, _TEXT_KINDS)
    if kind == "empty":
        return role, f"{said}; {seen}", "low" if weak else "medium", samples
    if agrees:
        return role, f"{said}; {seen}", "medium" if weak else "high", samples
    unlike = f"{seen}, which look like {KIND_WORDS.get(kind, kind)}" if kind in KIND_WORDS else seen
    return role, f"{said}; {unlike}", "low" if weak else "medium", samples


def place_bare_refs(roles: list[str | None]) -> list[str | None]:
    """A bare "Ref" belongs to the text column on its right, a deliverable's or an action's;
    with none there it is the action's reference if no column is."""
    roles = list(roles)
    for index, role in enumerate(roles):
        if role != "ref":
            continue
        right = next((r for r in roles[index + 1 :] if r in {"deliverable", "action"}), "action")
        ref_role = f"{right}_ref"
        roles[index] = ref_role if ref_role not in roles else None
    return roles


def header_texts(cells: list, group: list | None) -> list[str]:
    """Each column's header as written, with a quarter group heading above put in front:
    "Quarter 1 (Apr-Jun)" over "RAG" reads "Quarter 1 (Apr-Jun) RAG". A heading that also
    sits over an action column is a title, not a group, and is left out; a column whose own
    header names something else ("Ref", "Lead") takes no quarter."""
    texts = [clean_text(c.value) for c in cells]
    if not group:
        return texts
    above = [clean_text(c.value) for c in group[: len(texts)]]
    titles = {
        g for g, h in zip(above, texts, strict=False) if header_role(h) in {"action", "action_ref"}
    }
    combined = []
    for index, text in enumerate(texts):
        g = above[index] if index < len(above) else ""
        names_quarter = quarter_named(fold(g)) or quarter_named(fold(text))
        takes_quarter = header_role(text) in {None, "status", "commentary"}
        if g and g != text and g not in titles and len(g) <= 40 and names_quarter and takes_quarter:
            text = f"{g} {text}".strip()
        combined.append(text)
    return combined


def keys_for(texts: list[str]) -> list[str]:
    """Mapping keys of one header row: the folded header; the second of two alike "<key>#2";
    a column with no header "column F"."""
    keys, seen = [], Counter()
    for index, text in enumerate(texts):
        key = fold(text) or f"column {get_column_letter(index + 1).lower()}"
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def quick_meanings(texts: list[str], keys: list[str], mapping: Mapping) -> list[str]:
    """Meanings from the header words and the mapping alone: enough to tell a header row."""
    roles = place_bare_refs([header_role(t) if t else None for t in texts])
    return [mapping.columns.get(k) or r or IGNORE for k, r in zip(keys, roles, strict=True)]


def guess_columns(
    sheet: str, texts: list[str], keys: list[str], columns: list[list], mapping: Mapping
) -> list[ColumnGuess]:
    """Every column of a header row as the mapping step shows it. `columns` holds each
    column's values from the first rows below the header."""
    roles = place_bare_refs([header_role(t) if t else None for t in texts])
    guesses = []
    for index, (text, key, role) in enumerate(zip(texts, keys, roles, strict=True)):
        values = columns[index] if index < len(columns) else []
        meaning, evidence, confidence, samples = judge(text, role, values)
        quarter = quarter_named(fold(text))
        if quarter and meaning in {"status", "commentary"}:
            meaning = f"q{quarter}_{meaning}"
        letter = get_column_letter(index + 1)
        guesses.append(
            ColumnGuess(sheet, index, letter, text, key, meaning, evidence, samples, confidence)
        )
    for guess in guesses:
        mapped = mapping.columns.get(guess.key)
        if mapped:
            guess.evidence = (
                f"the mapping says {MEANING_LABELS[mapped]} (guessed: {guess.evidence})"
            )
            guess.meaning, guess.confidence, guess.source = mapped, "high", mapping.origin
    _promote_to_single_quarter(guesses)
    _one_column_each(guesses)
    return guesses


def _promote_to_single_quarter(guesses: list[ColumnGuess]) -> None:
    """Beside the columns of one quarter ("RAG Rating | Q2 Commentary"), an unqualified status
    or commentary column is that quarter's too, unless the quarter has its own."""
    quarters = {quarter_meaning(g.meaning)[0] for g in guesses if quarter_meaning(g.meaning)}
    if len(quarters) != 1:
        return
    (quarter,) = quarters
    meanings = {g.meaning for g in guesses}
    for guess in guesses:
        target = f"q{quarter}_{guess.meaning}"
        if (
            guess.source == "guess"
            and guess.meaning in {"status", "commentary"}
            and target not in meanings
        ):
            guess.meaning = target
            guess.evidence += f"; beside Q{quarter}'s columns, so Q{quarter}'s"
            meanings.add(target)


_RANK = {"high": 0, "medium": 1, "low": 2}


def _one_column_each(guesses: list[ColumnGuess]) -> None:
    """One column per meaning: the mapped one, else the most confident, else the leftmost;
    any other is ignored, and says which column has the meaning."""
    chosen: dict[str, ColumnGuess] = {}
    order = sorted(guesses, key=lambda g: (g.source == "guess", _RANK[g.confidence], g.index))
    for guess in order:
        if guess.meaning == IGNORE:
            continue
        first = chosen.setdefault(guess.meaning, guess)
        if first is not guess:
            label = MEANING_LABELS[guess.meaning].lower()
            guess.evidence += f"; column {first.letter} is already the {label}"
            guess.meaning, guess.confidence = IGNORE, "low"
