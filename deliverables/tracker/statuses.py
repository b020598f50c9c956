"""The status a tracker row gives, from its words, its colour, or its stage.

- Words are read through the scale's spellings (Status.spelling_keys). A word the scale does
  not know is one question for the whole file ("What does 'Green' mean on this plan's
  scale?"); the answer maps every row with that word, and is saved on the scale as a spelling
  when the import is applied (preview.new_spellings). Unanswered, those rows are left out.
- A blank status cell coloured like a status (colours.py) is that status, listed in
  preview.from_colour for the preview to show; a colour it cannot place is a question.
- A blank status with "Completed", "Complete" or "Closed" as the stage, or 100% complete, is
  the scale's status that closes an action; a given status that says otherwise is warned about.
- A blank status with no commentary (or "No update available") is the scale's No Update.
"""

from __future__ import annotations

from deliverables.tracker.answers import SKIP, Asker, LeftOut, unanswered
from deliverables.tracker.colours import COLOUR_RULE, is_blank_fill, nearest
from deliverables.tracker.layout import TrackerRow
from deliverables.tracker.meanings import Question
from deliverables.tracker.preview import ImportPreview, RowIssue
from deliverables.tracker.text import NO_UPDATE_WORDS
from plans.models import Plan, Status, status_key

COMPLETED_STAGES = {"complete", "completed", "closed"}


def percent(value: object, fractions: bool = True) -> float | None:
    """A percent-complete cell as a percentage. With `fractions`, numbers from 0 to 1 are
    fractions (Excel keeps a cell formatted as 100% as 1), larger ones percentages; "75%" is
    75. Whether a file's numbers are fractions is decided for the whole file (fractions_in)."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    try:
        number = float(text.rstrip("%").strip())
    except ValueError:
        return None
    if text.endswith("%"):
        return number
    return number * 100 if fractions and 0 <= number <= 1 else number


def fractions_in(values: list[object]) -> bool:
    """Whether a file's percent-complete numbers are fractions: none of them is over 1."""
    numbers = [percent(v, fractions=False) for v in values if not str(v).strip().endswith("%")]
    return all(n <= 1 for n in numbers if n is not None)


class StatusReader:
    def __init__(self, plan: Plan, preview: ImportPreview, asker: Asker):
        self.preview = preview
        self.asker = asker
        self.statuses = list(Status.objects.filter(scale__plan=plan).order_by("order"))
        self.by_pk = {s.pk: s for s in self.statuses}
        self.by_label = {status_key(s.label): s for s in self.statuses}
        # Whether percent-complete numbers from 0 to 1 are fractions: set per file by the
        # importer (fractions_in), since a column of 25, 50 and 1 means 1%, not 100%.
        self.fractions = True
        self.by_key = {key: s for s in self.statuses for key in s.spelling_keys()}
        self.by_colour = {s.colour.upper(): s for s in self.statuses}
        self.no_update = next((s for s in self.statuses if s.means_no_update), None)
        self.closing = next((s for s in self.statuses if s.closes_action), None)
        self.warned: set[tuple] = set()

    def status_for(
        self, row: TrackerRow, text: str, fill: str | None, commentary: str
    ) -> tuple[Status | None, str | None]:
        """The status of one quarter's (status, fill, commentary) on `row`, or why there is
        none: an error, or a LeftOut the administrator chose."""
        if text:
            status, problem = self._from_words(row, text)
            if status is not None:
                self._check_fill(row, text, fill, status)
        elif not is_blank_fill(fill):
            status, problem = self._from_colour(row, fill)
        elif self._completed(row) and self.closing is not None:
            return self.closing, None
        elif not commentary or NO_UPDATE_WORDS.match(commentary):
            if self.no_update is None:
                return None, "The status is blank and this plan's scale has no 'No update' status."
            return self.no_update, None
        else:
            return None, "The status is blank but the row has commentary: give the row a status."
        if status is not None:
            status = self._check_stage(row, status)
        return status, problem

    def _choices(self) -> list[tuple[str, str]]:
        # By label, not primary key: the statuses of a new plan from the file are made afresh
        # for every preview, and only their labels stay the same.
        return [(f"status:{status_key(s.label)}", s.label) for s in self.statuses]

    def _answered(self, key: str) -> Status | None:
        value = self.asker.answer(key) or ""
        return self.by_label.get(value[len("status:") :]) if value.startswith("status:") else None

    def _from_words(self, row: TrackerRow, text: str) -> tuple[Status | None, str | None]:
        status = self.by_key.get(status_key(text))
        if status is not None:
            return status, None
        labels = ", ".join(s.label for s in self.statuses)
        question = Question(
            key=f"status:{status_key(text)}",
            sheet=row.sheet,
            row=row.row,
            text=(
                f"'{text}' is not a status of this plan's scale ({labels}). What does it mean? "
                "Your answer applies to every row that says it, and is saved as a spelling of "
                "that status when the import is applied."
            ),
            choices=[*self._choices(), (SKIP, "Leave these rows out")],
            default=SKIP,
        )
        self.asker.ask(question)
        status = self._answered(question.key)
        if status is not None:
            spellings = self.preview.new_spellings.setdefault(status.pk, [])
            if all(status_key(s) != status_key(text) for s in spellings):
                spellings.append(text)
            return status, None
        if self.asker.answer(question.key) == SKIP:
            return None, LeftOut(f"Left out: you chose to leave out rows whose status is '{text}'.")
        return None, unanswered(question)

    def _from_colour(self, row: TrackerRow, fill: str) -> tuple[Status | None, str | None]:
        status, exact = nearest(fill, self.statuses)
        if status is None:
            question = Question(
                key=f"colour:{fill.upper()}",
                sheet=row.sheet,
                row=row.row,
                text=(
                    f"The status cell is blank but coloured {fill.upper()}, which is not near "
                    f"enough to one status's colour ({COLOUR_RULE}). What status does it mean?"
                ),
                choices=[*self._choices(), (SKIP, "Leave these rows out")],
                default=SKIP,
            )
            self.asker.ask(question)
            status = self._answered(question.key)
            if status is None:
                if self.asker.answer(question.key) == SKIP:
                    return None, LeftOut(
                        f"Left out: you chose to leave out rows coloured {fill.upper()}."
                    )
                return None, unanswered(question)
        if not self.preview.from_colour:
            self.preview.warnings.append(
                RowIssue(
                    row.sheet,
                    row.row,
                    f"Some statuses were read from the colour of a blank status cell ("
                    f"{COLOUR_RULE}); each is listed as from colour: check them.",
                )
            )
        self.preview.from_colour.append(
            {
                "sheet": row.sheet,
                "row": row.row,
                "colour": fill.upper(),
                "status": status.label,
                "exact": exact,
            }
        )
        return status, None

    def _check_fill(self, row: TrackerRow, text: str, fill: str | None, status: Status) -> None:
        if not fill or fill.upper() == status.colour.upper():
            return
        coloured = self.by_colour.get(fill.upper())
        if coloured is not None and coloured != status:
            self.preview.warnings.append(
                RowIssue(
                    row.sheet,
                    row.row,
                    f"The cell says '{text}' but is coloured as '{coloured.label}'; "
                    "the words were used.",
                )
            )

    def _completed(self, row: TrackerRow) -> str:
        """What on the row says the action is complete ("Stage: Completed"), or ""."""
        stage = (row.stage or "").strip().rstrip(".")
        if stage.casefold() in COMPLETED_STAGES:
            return f"Stage says '{stage}'"
        done = percent(row.percent_complete, self.fractions)
        if done is not None and done >= 100:
            return "100% complete"
        return ""

    def _check_stage(self, row: TrackerRow, status: Status) -> Status:
        """A row whose stage or percent complete says it is done is the closing status (the
        issue's "Stage: Completed" that left actions On Track), said in a warning; unless its
        status is an exception, which is kept, and the contradiction shown."""
        said = self._completed(row)
        if not said or status.closes_action or self.closing is None:
            return status
        kept = status.is_exception or status.means_no_update
        if (row.sheet, row.row) not in self.warned:
            self.warned.add((row.sheet, row.row))
            message = (
                f"{said} but the status is '{status.label}': the status was kept."
                if kept
                else f"{said}: recorded as '{self.closing.label}' (the status column says "
                f"'{status.label}')."
            )
            self.preview.warnings.append(RowIssue(row.sheet, row.row, message))
        return status if kept else self.closing
