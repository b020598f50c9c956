"""Convert the Council Improvement Plan 2022 (seed 002, text taken from the council's PDF)
into fixtures/sandwell/improvement-plan-2022.json, which load_sandwell loads.

    python manage.py convert_improvement_plan /path/to/002_e7551b5637c8493c.txt

The PDF's delivery-plan tables came through as tab-separated rows whose Actions cell holds the
action, then its milestones inside `<ul ...>` fragments, and whose Start and Due cells hold one
date per line (action first, then each milestone) run together with spaces. Where the milestones
have bullets (themes 3, 5 and 6) the converter splits on them; where they do not (themes 1, 2
and 4) the split is written out by hand in SPLITS, checked against the document, and the
converter refuses a split whose words differ from the cell's. Dates stay as written: the loader
reads them (deliverables.tracker.dates.parse_date) and keeps the words in the date note.

The JSON is committed and was checked by hand against the document; rerun this only to
reproduce it, then compare.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from devtools.improvement_plan_fixes import (
    DATES,
    PLAN,
    RECOMMENDATION_SOURCES,
    SCALE,
    SPLITS,
)

OUT = Path(settings.BASE_DIR) / "fixtures" / "sandwell" / "improvement-plan-2022.json"
THEME = re.compile("^Theme (\\d) [\u2013-] (.+)$")
UL = re.compile(r"<ul[^>]*>")
BULLET = re.compile(r"\s*[▶•]\s*")
BULLETS = re.compile(r"[▶•]|(?<=\s)o(?=\s)")  # the sub-bullets are a letter o
TAGS = re.compile(r"</?(p|i)>")
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
DATE_TOKEN = re.compile(
    rf"""Dates\ TBC\ following\ Autumn\ decision
    |TBC\ based\ on\ selected\ option
    |(?:(?:[Bb]y|Est\.)\ )?(?:\d{{1,2}}\ )?{MONTH}\ \d{{4}}
        (?:\ -\ {MONTH}\ \d{{4}})?(?:\ and\ then\ (?:quarterly|ongoing))?
    |(?:Early|Mid|Late|End|Spring|Summer|Autumn|Winter)\ (?:\d{{4}}|'\d\d(?:\ linked\ to\ MTFP)?)
    |TBC(?:\ \d{{4}})?|Ongoing|Complete|In\ place|\d{{4}}""",
    re.X,
)
REFERENCE_START = re.compile(
    r"^(Grant Thornton|Corporate Peer Challenge|CIPFA|Statutory Direction)"
)
# The directorate whose Director leads, by the first one the Lead cell names.
DIRECTORATES = {
    "Law": "LG",
    "Finance": "F",
    "Business Strategy": "ACE",
    "Regeneration": "R",
    "Housing": "H",
    "Children": "CH",
    "Borough Economy": "BE",
    "Adult Social Care": "ASC",
    "Public Health": "PH",
}
PERIODS = [f"{2022 + (m < 4)}-{m:02d}" for m in (*range(4, 13), 1, 2, 3)]


def date_tokens(cell: str) -> list[str]:
    """One date per line of the cell, as written. Refuses a cell it cannot wholly read."""
    cell = cell.strip()
    tokens = [m.group(0) for m in DATE_TOKEN.finditer(cell)]
    if " ".join(tokens) != " ".join(cell.split()):
        raise CommandError(f"Unread dates in {cell!r}: read {tokens}")
    return tokens


def clean(text: str) -> str:
    return " ".join(TAGS.sub(" ", text).split())


def split_actions_cell(cell: str) -> tuple[str, list[str]]:
    """(action title, milestone titles) from an Actions cell."""
    marked = UL.sub("\x00", cell, count=1) if UL.search(cell) else BULLET.sub("\x00", cell, 1)
    head, _, rest = marked.partition("\x00")
    title = clean(head)
    rest = clean(UL.sub(" ", rest))
    if title in SPLITS or (not title and rest in SPLITS):
        items = SPLITS[title or rest]
        if " ".join(_words(item) for item in items) != " ".join(BULLETS.sub(" ", rest).split()):
            raise CommandError(f"The split of {title!r} does not match the document:\n{rest}")
        return title, [m for item in items for m in _milestones(item)]
    if not rest:
        return title, []
    if UL.search(cell) and not BULLET.search(rest):
        raise CommandError(f"No bullets in {title!r}: add its split to SPLITS:\n{rest}")
    return title, [part for part in BULLET.split(rest) if part]


def _words(item: str | tuple) -> str:
    if isinstance(item, str):
        return item
    _, head, parts = item
    return " ".join([head, *parts])


def _milestones(item: str | tuple) -> list[str]:
    if isinstance(item, str):
        return [item]
    kind, head, parts = item
    if kind == "group":
        return [f"{head}: {part}" for part in parts]
    return [f"{head.rstrip(' -')}: {'; '.join(parts)}"]


def normal_cells(line: str) -> list[str]:
    """The six cells, Workstream to Due date, of a table row whose columns slipped."""
    cells = line.split("\t")
    if len(cells) == 7:
        cells = cells[1:] if cells[6] else cells[:6]
    if REFERENCE_START.match(cells[0]):  # the workstream cell left empty, the rest moved left
        cells = ["", *cells[:5]]
    return [c.strip() for c in cells]


def parse_references(cell: str) -> list[tuple[str, str]]:
    """'Grant Thornton Key Rec 4, 8 CIPFA 1.5, 1.6' -> [(body, reference), ...]."""
    found = []
    pattern = re.compile(
        r"(Grant Thornton|Corporate Peer Challenge|CIPFA|Statutory Direction)\s*(.*?)"
        r"(?=\s*,?\s*(?:Grant Thornton|Corporate Peer Challenge|CIPFA|Statutory Direction)|$)"
    )
    for match in pattern.finditer(cell):
        found.extend(_references(match.group(1), match.group(2).strip(" ,")))
    return found


def _references(body: str, text: str) -> list[tuple[str, str]]:
    """One cited body's references, each as the review numbers it. CIPFA's are cited both as
    "CIPFA 1.6" and "CIPFA Rec 1.6" (and once "Ref 2.1"), the Peer Challenge's as "Rec 12",
    "Rec12" and "2": each is written one way, "Rec 1.6", so one recommendation is one row."""
    if not text:
        return [(body, "Directions")]  # "Statutory Direction" with no number
    if text.startswith("("):  # "(pg 24)"
        return [(body, text.strip("()"))]
    kind = re.match(r"^((?:Statutory|Key|Improvement)?\s*(?:Rec|Ref)?)\s*(.*)$", text)
    prefix, numbers = kind.group(1).strip(), kind.group(2)
    refs = []
    for part in re.split(r"\s*,\s*|\s+(?=Rec\s)", numbers):
        part = part.strip()
        if not part:
            continue
        label = part if part.startswith(("Rec", "pg")) else f"{prefix} {part}".strip()
        label = re.sub(r"^(?:Rec|Ref)\s*(?=\d|all)", "Rec ", label)
        label = re.sub(r"^pg\s*", "pg ", label)
        if body in ("CIPFA", "Corporate Peer Challenge") and re.match(r"^\d", label):
            label = f"Rec {label}"
        refs.append((body, label))
    return refs or [(body, prefix)]


class Command(BaseCommand):
    help = "Convert the Improvement Plan 2022 seed text into its load_sandwell fixture."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("seed", help="The seed text file (002_e7551b5637c8493c.txt).")
        parser.add_argument("--out", default=str(OUT))

    def handle(self, *args, **options) -> None:
        lines = Path(options["seed"]).read_text(encoding="utf-8").splitlines()
        rows = list(self.table_rows(lines))
        actions = self.actions(rows)
        spec = self.spec(actions)
        Path(options["out"]).write_text(
            json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        milestones = sum(len(a["milestones"]) for a in actions)
        self.stdout.write(
            f"{len(spec['outcomes'])} themes, "
            f"{sum(len(o['themes']) for o in spec['outcomes'])} workstreams, "
            f"{len(actions)} actions, {milestones} milestones, "
            f"{len(spec['recommendations'])} recommendations -> {options['out']}"
        )

    def table_rows(self, lines: list[str]):
        """(theme number, theme name, six cells) for each delivery-plan table row."""
        theme, in_table = None, False
        for line in lines:
            if match := THEME.match(line):
                theme = (int(match.group(1)), match.group(2).strip())
            if line.startswith("Workstream\tReference"):
                in_table = True
            elif line.strip() and "\t" not in line:
                in_table = False
            elif in_table and line.strip():
                yield theme, normal_cells(line)

    def actions(self, rows) -> list[dict]:
        actions: list[dict] = []
        workstream = ""
        for (number, theme_name), cells in rows:
            ws, ref, lead, cell, start, due = cells
            workstream = ws or workstream
            title, milestones = split_actions_cell(cell) if cell else ("", [])
            if title and not (ref or lead) and actions and actions[-1]["workstream"] == workstream:
                # the Reference and Lead cells span this row too
                ref, lead = actions[-1]["external_ref"], actions[-1]["lead_role"]
            if title:
                actions.append(
                    {
                        "theme": theme_name,
                        "theme_number": number,
                        "workstream": workstream,
                        "title": title,
                        "lead_role": lead,
                        "external_ref": ref,
                        "starts": date_tokens(start),
                        "dues": date_tokens(due),
                        "milestone_titles": milestones,
                        "extra": [],
                    }
                )
            else:  # a row continuing the action above: more leads, references, milestones
                above = actions[-1]
                above["lead_role"] = "; ".join(x for x in (above["lead_role"], lead) if x)
                above["external_ref"] = " ".join(x for x in (above["external_ref"], ref) if x)
                if milestones:
                    above["extra"].append((milestones, date_tokens(start), date_tokens(due)))
                else:
                    above["starts"] += date_tokens(start)
                    above["dues"] += date_tokens(due)
        return [self.finish(action, count) for count, action in enumerate(actions, start=1)]

    def finish(self, action: dict, count: int) -> dict:
        n = len(action["milestone_titles"])
        starts, dues = DATES.get(
            action["title"], (_align(action["starts"], n, False), _align(action["dues"], n, True))
        )
        milestones = [
            {"title": t, "start": _at(starts, i + 1), "due": _at(dues, i + 1)}
            for i, t in enumerate(action["milestone_titles"])
        ]
        for titles, extra_starts, extra_dues in action["extra"]:
            milestones += [
                {"title": t, "start": _at(extra_starts, i), "due": _at(extra_dues, i)}
                for i, t in enumerate(titles)
            ]
        found = [(action["lead_role"].find(k), c) for k, c in DIRECTORATES.items()]
        found = sorted((at, code) for at, code in found if at >= 0)
        return {
            "directorate": found[0][1] if found else "",
            "theme": action["theme"],
            "workstream": action["workstream"],
            "title": action["title"],
            "lead_role": action["lead_role"],
            "external_ref": action["external_ref"],
            "start": _at(starts, 0),
            "due": _at(dues, 0),
            "milestones": milestones,
            "recommendations": [list(r) for r in parse_references(action["external_ref"])],
            "_theme_number": action["theme_number"],
        }

    def spec(self, actions: list[dict]) -> dict:
        outcomes: dict[str, dict] = {}
        per_theme: dict[int, int] = {}
        recommendations: dict[tuple[str, str], dict] = {}
        for action in actions:
            number = action.pop("_theme_number")
            outcome = outcomes.setdefault(
                action["theme"],
                {"name": action["theme"], "short_name": f"Theme {number}", "themes": []},
            )
            if action["workstream"] not in [t["name"] for t in outcome["themes"]]:
                outcome["themes"].append({"name": action["workstream"]})
            per_theme[number] = per_theme.get(number, 0) + 1
            action["ref"] = f"IP-{number}.{per_theme[number]}"
            for body, reference in action["recommendations"]:
                recommendations.setdefault(
                    (body, reference),
                    {"body": body, "reference": reference, **RECOMMENDATION_SOURCES[body]},
                )
        return {
            "source": PLAN["source"],
            "plan": PLAN["plan"],
            "scale": SCALE,
            "outcomes": list(outcomes.values()),
            "periods": [{"code": code, "state": "upcoming"} for code in PERIODS],
            "recommendations": list(recommendations.values()),
            "actions": [{"ref": a.pop("ref"), **a} for a in actions],
        }


def _align(tokens: list[str], n: int, due: bool) -> list[str]:
    """The cell's dates with the action's first. One per line: the action's, then each
    milestone's. A due cell with exactly one date per milestone gives the action none (the
    document's layout, checked against its Key Milestones); otherwise the dates run in order
    and those the document puts elsewhere are written out in DATES."""
    if due and n > 1 and len(tokens) == n:
        return ["", *tokens]
    return tokens


def _at(tokens: list[str], index: int) -> str:
    return tokens[index] if index < len(tokens) else ""
