"""A bank checked as a whole (题库体检): item checks per batch and near-duplicate groups across batches.

A batch is the questions of one file or set, each with the place it stands ("bank.xlsx:Sheet1!R12",
"question_sets/forklift/questions.yaml:40"). `check_bank` runs the item checks batch by batch (so a key
position lean is judged per set), flags what cites a text the batch's register says is no longer in force
(待复核), and groups near-duplicates across all batches together, as the bank of a post (通用 + 专业) is
drawn from all of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from quizbank.citations import needs_review
from quizbank.duplicates import duplicate_groups
from quizbank.itemchecks import Finding, check_items
from quizbank.model import Question, Section
from quizbank.register import LawEntry


@dataclass(frozen=True)
class Batch:
    name: str
    questions: tuple[Question, ...]
    places: tuple[str, ...] = ()  # where each question stands; defaults to its source or id
    sections: tuple[Section, ...] = ()  # the handbook sections shipped with the questions, if any
    register: tuple[LawEntry, ...] = ()  # the 法规标准库 shipped with them (a set's laws.yaml)
    handbook: str = ""  # the handbook file the sections stand in, for places

    def place(self, i: int) -> str:
        if i < len(self.places):
            return self.places[i]
        q = self.questions[i]
        return q.source or q.id


@dataclass(frozen=True)
class BankReport:
    findings: tuple[Finding, ...]
    duplicates: tuple[tuple[str, ...], ...]  # groups of places

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")


def check_bank(batches: Sequence[Batch], *, accepted: Collection[tuple[str, str]] = ()) -> BankReport:
    findings: list[Finding] = []
    everything: list[Question] = []
    places: list[str] = []
    for batch in batches:
        placed = [dataclasses.replace(q, source=batch.place(i)) for i, q in enumerate(batch.questions)]
        findings += check_items(placed, batch=batch.name, accepted=accepted)
        findings += [
            Finding(flag.where, flag.check, "warning", flag.message, flag.subject)
            for flag in needs_review(placed, batch.sections, batch.register, handbook=batch.handbook)
            if (flag.subject, flag.check) not in accepted
        ]
        everything += placed
        places += [q.source or q.id for q in placed]
    groups = duplicate_groups(everything)
    return BankReport(tuple(findings), tuple(tuple(places[i] for i in group) for group in groups))


__all__ = ["BankReport", "Batch", "check_bank"]
