"""The questions an import asks instead of guessing, and the answers it takes.

A question's key is stable across previews of the same file, so an answer given on one
preview applies to the next: "action:<sheet>:<row>", "outcome:<sheet>:<row>",
"status:<folded word>", "colour:<#RRGGBB>". Answers are strings: "action:<pk>",
"outcome:<pk>", "status:<folded label>", NEW (a new action) or SKIP (leave the row out). An
unanswered question takes its default, SKIP: the row is left out, never written on a guess.
"""

from __future__ import annotations

from deliverables.tracker.meanings import Question

NEW = "new"
SKIP = "skip"


class LeftOut(str):
    """Why a row writes nothing because the administrator answered "leave it out": the
    row is shown as skipped, not as an error. Any other reason is an error on the row."""

    __slots__ = ()


class Asker:
    """The import's questions, each asked once, and the answers given to them."""

    def __init__(self, questions: list[Question], answers: dict | None):
        self.questions = questions
        self.answers = {str(k): str(v) for k, v in (answers or {}).items()}
        self._asked = {q.key for q in questions}

    def answer(self, key: str) -> str | None:
        return self.answers.get(key)

    def pk_answer(self, key: str, kind: str, known: dict[int, object]) -> object | None:
        """The object an answer "<kind>:<pk>" names, if it is one of `known`."""
        value = self.answer(key) or ""
        prefix = f"{kind}:"
        if not value.startswith(prefix) or not value[len(prefix) :].isdigit():
            return None
        return known.get(int(value[len(prefix) :]))

    def ask(self, question: Question) -> None:
        if question.key not in self._asked:
            self._asked.add(question.key)
            self.questions.append(question)


def unanswered(question: Question) -> str:
    """The error a row left out by an unanswered question shows."""
    return f"{question.text} Answer the question to import this row; until then it is left out."
