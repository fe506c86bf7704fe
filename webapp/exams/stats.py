"""For the trainer's list of exams: how many people each exam is for (one, for an exam scheduled for one person), how many sat it, how many passed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.exams.models import Attempt, Exam
from webapp.org.models import Department, Person, PersonPost


@dataclass(frozen=True)
class ExamStats:
    assigned: int
    taken: int
    passed: int


def _subtree(parents: dict[int, int | None], root: int) -> set[int]:
    """`root` and every department below it (an exam for 一车间 reaches its teams)."""
    out = {root}
    changed = True
    while changed:
        changed = False
        for d, p in parents.items():
            if p in out and d not in out:
                out.add(d)
                changed = True
    return out


def exam_stats(s: Session, organisation_id: int, exams: Sequence[Exam]) -> dict[int, ExamStats]:
    if not exams:
        return {}
    parents: dict[int, int | None] = {
        d: p
        for d, p in s.execute(
            select(Department.id, Department.parent_id).where(Department.organisation_id == organisation_id)
        )
    }
    post_ids = {e.post_id for e in exams}
    people = s.execute(
        select(PersonPost.post_id, Person.department_id, Person.id)
        .join(Person, Person.id == PersonPost.person_id)
        .where(
            Person.organisation_id == organisation_id,
            Person.active.is_(True),
            PersonPost.post_id.in_(post_ids),
        )
    ).all()
    ids = [e.id for e in exams]
    taken = dict(
        s.execute(
            select(Attempt.exam_id, func.count(func.distinct(Attempt.person_id)))
            .where(Attempt.exam_id.in_(ids), Attempt.submitted_at.is_not(None))
            .group_by(Attempt.exam_id)
        ).all()
    )
    passed = dict(
        s.execute(
            select(Attempt.exam_id, func.count(func.distinct(Attempt.person_id)))
            .where(Attempt.exam_id.in_(ids), Attempt.passed.is_(True))
            .group_by(Attempt.exam_id)
        ).all()
    )
    out = {}
    for e in exams:
        departments = _subtree(parents, e.department_id) if e.department_id is not None else None
        assigned = sum(
            1
            for post_id, dep, person_id in people
            if post_id == e.post_id
            and (departments is None or dep in departments)
            and (e.person_id is None or person_id == e.person_id)
        )
        out[e.id] = ExamStats(assigned, taken.get(e.id, 0), passed.get(e.id, 0))
    return out
