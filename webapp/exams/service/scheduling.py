"""Scheduling exams and finding the exams assigned to a person (by post, department and deadline)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.blueprints import blueprint_to_dict
from webapp.bank.paper_rules import blueprint_for
from webapp.exams.models import Attempt, Exam
from webapp.exams.service.next_steps import case_moved_on
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.org.models import Department, Person, PersonPost, Post

SCHEDULABLE_KINDS = tuple(k for k in model.EXAM_KINDS if k != "practice")


def schedule_exam(
    s: Session,
    *,
    organisation_id: int,
    title: str,
    post: Post,
    kind: str,
    opens_at: datetime,
    closes_at: datetime,
    department_id: int | None = None,
    person: Person | None = None,
    created_by: int | None = None,
) -> Exam:
    """An exam for the post's people (in `department_id` and below, when given), or for `person` alone."""
    if kind not in SCHEDULABLE_KINDS:
        raise ApiError(400, "bad_kind", f"考试类型 {kind!r} 不可安排")
    if closes_at <= opens_at:
        raise ApiError(400, "bad_window", "结束时间必须晚于开始时间")
    if not title.strip():
        raise ApiError(400, "bad_title", "请填写考试名称")
    if person is not None and person.organisation_id != organisation_id:
        raise ApiError(400, "bad_person", f"{person.name} 不属于本企业")
    blueprint = blueprint_for(s, organisation_id, post, kind)
    exam = Exam(
        organisation_id=organisation_id,
        title=title.strip(),
        post_id=post.id,
        department_id=department_id,
        person_id=person.id if person is not None else None,
        kind=kind,
        opens_at=opens_at,
        closes_at=closes_at,
        blueprint=blueprint_to_dict(blueprint),
        created_by=created_by,
        created_at=clock.now(),
    )
    s.add(exam)
    s.flush()
    return exam


def _department_chain(s: Session, department_id: int | None) -> set[int]:
    """The person's department and its ancestors (an exam for 一车间 reaches its teams)."""
    chain: set[int] = set()
    while department_id is not None and department_id not in chain:
        chain.add(department_id)
        department_id = s.scalar(select(Department.parent_id).where(Department.id == department_id))
    return chain


def person_post_ids(s: Session, person: Person) -> list[int]:
    return list(s.scalars(select(PersonPost.post_id).where(PersonPost.person_id == person.id)))


def exams_for(s: Session, person: Person, now: datetime) -> list[Exam]:
    """Exams open now for the person's posts and department (or for the whole organisation), and those
    scheduled for this person alone; never one scheduled for somebody else."""
    post_ids = person_post_ids(s, person)
    if not post_ids:
        return []
    departments = _department_chain(s, person.department_id)
    exams = s.scalars(
        select(Exam)
        .where(
            Exam.organisation_id == person.organisation_id,
            Exam.post_id.in_(post_ids),
            Exam.person_id.is_(None) | (Exam.person_id == person.id),
            Exam.opens_at <= now,
            Exam.closes_at > now,
        )
        .order_by(Exam.closes_at)
    ).all()
    return [e for e in exams if e.department_id is None or e.department_id in departments]


def attempts_by_exam(s: Session, person: Person, exam_ids: Iterable[int]) -> dict[int, list[Attempt]]:
    ids = list(exam_ids)
    out: dict[int, list[Attempt]] = {i: [] for i in ids}
    if ids:
        for a in s.scalars(
            select(Attempt)
            .where(Attempt.person_id == person.id, Attempt.exam_id.in_(ids))
            .order_by(Attempt.started_at)
        ):
            out[a.exam_id].append(a)  # type: ignore[index]
    return out


def assigned_exams(s: Session, person: Person, now: datetime) -> list[tuple[Exam, Attempt | None]]:
    """The worker's exams open now and not yet passed, with their latest attempt (None: not started). A 补考 or
    复训考试 already sat and failed leaves the list once the standing has moved on (to off-duty retraining)."""
    exams = exams_for(s, person, now)
    attempts = attempts_by_exam(s, person, [e.id for e in exams])
    today = clock.local(now).date()  # type: ignore[union-attr]
    out = []
    for exam in exams:
        tries = attempts[exam.id]
        if any(a.passed for a in tries):
            continue
        last = tries[-1] if tries else None
        if last is not None and last.is_submitted and case_moved_on(s, person, exam, today):
            continue
        out.append((exam, last))
    return out
