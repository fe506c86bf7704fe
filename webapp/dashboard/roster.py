"""Who an exam is for and how each did: the exam's own person, or the people on its post (in its
department and the departments under it, when it has one); their submitted attempts at it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.exams.models import Attempt, Exam
from webapp.org.models import Person, PersonPost


@dataclass(frozen=True)
class RosterLine:
    person: Person
    attempts: tuple[Attempt, ...]  # submitted, oldest first

    @property
    def sat(self) -> bool:
        return bool(self.attempts)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def best(self) -> Attempt | None:
        return max(self.attempts, key=lambda a: a.score or 0) if self.attempts else None

    def state(self, exam: Exam, now: datetime) -> str:
        if self.passed:
            return "passed"
        if self.sat:
            return "failed"
        return "no_show" if exam.closes_at < now else "pending"


STATE_NAMES = {"passed": "通过", "failed": "未通过", "no_show": "缺考", "pending": "未考"}


def due_people(s: Session, exams: Sequence[Exam]) -> dict[int, list[Person]]:
    """For each exam, the active people it is for."""
    from webapp.inspections.service import department_ids_under

    out: dict[int, list[Person]] = {}
    for exam in exams:
        if exam.person_id is not None:
            person = s.get(Person, exam.person_id)
            out[exam.id] = [person] if person is not None else []
            continue
        q = (
            select(Person)
            .join(PersonPost, PersonPost.person_id == Person.id)
            .where(
                PersonPost.post_id == exam.post_id,
                Person.organisation_id == exam.organisation_id,
                Person.active,
            )
            .order_by(Person.employee_no)
        )
        if exam.department_id is not None:
            q = q.where(Person.department_id.in_(department_ids_under(s, exam.department_id)))
        out[exam.id] = list(s.scalars(q))
    return out


def submitted_attempts(s: Session, exam_ids: Sequence[int]) -> dict[tuple[int, int], list[Attempt]]:
    """(exam id, person id) → submitted attempts, oldest first."""
    out: dict[tuple[int, int], list[Attempt]] = {}
    if not exam_ids:
        return out
    rows = s.scalars(
        select(Attempt)
        .where(Attempt.exam_id.in_(exam_ids), Attempt.submitted_at.is_not(None))
        .order_by(Attempt.submitted_at, Attempt.id)
    )
    for a in rows:
        out.setdefault((a.exam_id, a.person_id), []).append(a)  # type: ignore[arg-type]
    return out


def roster(s: Session, exam: Exam) -> list[RosterLine]:
    """Everyone due, plus anyone who sat it without being on the list (e.g. moved post since)."""
    due = due_people(s, [exam])[exam.id]
    attempts = submitted_attempts(s, [exam.id])
    lines = [RosterLine(p, tuple(attempts.pop((exam.id, p.id), ()))) for p in due]
    for (_eid, pid), extra in attempts.items():
        person = s.get(Person, pid)
        if person is not None:
            lines.append(RosterLine(person, tuple(extra)))
    return lines
