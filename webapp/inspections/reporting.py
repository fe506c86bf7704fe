"""What an inspection found, for its page, its API and its PDF/Excel report: the people spot-tested (with the
state of each test), the 三违 recorded, and today's standing of everyone tested or found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from webapp.exams.models import Attempt
from webapp.inspections.models import Finding, Inspection
from webapp.inspections.service import VOIDED, findings, spot_tests, void_reasons
from webapp.org.models import Person, Post
from webapp.standing import service as standing_service


@dataclass(frozen=True)
class TestedRow:
    person: Person
    post: Post
    attempt: Attempt

    @property
    def state(self) -> str:
        if self.attempt.kind == VOIDED:
            return "voided"
        if not self.attempt.is_submitted:
            return "running"
        return "passed" if self.attempt.passed else "failed"


@dataclass(frozen=True)
class Report:
    inspection: Inspection
    tested: list[TestedRow]
    findings: list[Finding]
    standings: dict[int, list[standing_service.PostStanding]]  # everyone tested or found, by person id
    people: list[Person]  # tested or found, in order of first appearance
    void_reasons: dict[int, str]  # by attempt id

    @property
    def tally(self) -> dict[str, int]:
        counts = {"passed": 0, "failed": 0, "running": 0, "voided": 0}
        for row in self.tested:
            counts[row.state] += 1
        return counts


def report(s: Session, inspection: Inspection, today: date) -> Report:
    tested = [TestedRow(a.person, a.post, a) for a in spot_tests(s, inspection)]
    found = findings(s, inspection)
    people: list[Person] = []
    for p in [t.person for t in tested] + [f.person for f in found]:
        if p not in people:
            people.append(p)
    return Report(
        inspection,
        tested,
        found,
        standing_service.standings_of(s, people, today),
        people,
        void_reasons(s, inspection),
    )
