"""Starting an attempt: an assigned exam, an inspector's spot test, or practice; the paper is drawn and frozen.

A worker's first start of an assigned exam takes the two-statement path of `fresh_start` first; anything else
(a resume, a retake refused, an exam not assigned, a short bank) comes here, which says why.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.assembly import BankIndex, BankShortfall, assemble_seeded
from quizbank.blueprints import blueprint_from_dict, blueprint_to_dict, default_blueprint
from webapp.bank.models import HandbookSection, Question, QuestionSet
from webapp.bank.paper_rules import blueprint_for
from webapp.bank.sets import to_core
from webapp.exams.models import Attempt, Exam
from webapp.exams.service.answering import refuse_during_exam
from webapp.exams.service.bank_cache import drawable_bank
from webapp.exams.service.grading import finalize_if_expired
from webapp.exams.service.papers import _FRESH
from webapp.exams.service.scheduling import _department_chain, attempts_by_exam, person_post_ids
from webapp.exams.service.wrong_book import wrong_book
from webapp.infra.errors import ApiError
from webapp.org.models import Person, Post

PRACTICE_SIZE = 10


def _layout(paper: model.Paper, pk_of: Mapping[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "id": pq.question.id,
            "pk": pk_of[pq.question.id],
            "order": list(pq.option_order),
            "type": pq.question.type,
            "n": len(pq.question.options),
            # The key and points, frozen server-side (never sent to the browser): submit grades from these.
            "key": list(pq.answer),
            "pts": pq.points,
            "sec": pq.question.section,  # for 试题分析's per-section figures, recorded at submit
        }
        for pq in paper.questions
    ]


def _new_attempt(
    s: Session,
    *,
    person: Person,
    post: Post,
    kind: str,
    blueprint: model.Blueprint,
    now: datetime,
    started_by: int | None,
    exam: Exam | None = None,
    inspection_id: int | None = None,
    seed: int | None = None,
    bank: Sequence[model.Question] | BankIndex = (),
    pk_of: Mapping[str, int] | None = None,
    rows: Sequence[Question] | None = None,
    groups: Mapping[str, int] | None = None,
) -> Attempt:
    """Draw from `bank` (core questions or an index; `pk_of` maps their ids to row ids) or from `rows`."""
    if rows is not None:
        bank, pk_of = [to_core(r) for r in rows], {r.ext_id: r.id for r in rows}
    assert pk_of is not None
    seed = secrets.randbits(62) if seed is None else seed
    try:
        paper = assemble_seeded(bank, blueprint, seed, groups=groups)
    except BankShortfall as e:
        raise ApiError(409, "bank_shortfall", f"题库题目不足，无法按组卷规则出题：{e}") from None
    deadline = None
    if blueprint.time_limit_minutes:
        deadline = now + timedelta(minutes=blueprint.time_limit_minutes)
        if exam is not None:
            deadline = min(deadline, exam.closes_at)
    attempt = Attempt(
        organisation_id=person.organisation_id,
        person_id=person.id,
        post_id=post.id,
        exam_id=exam.id if exam else None,
        kind=kind,
        inspection_id=inspection_id,
        started_at=now,
        deadline=deadline,
        seed=seed,
        layout=_layout(paper, pk_of),
        blueprint=blueprint_to_dict(blueprint),
        started_by=started_by,
    )
    s.add(attempt)
    s.flush()
    s.info.setdefault(_FRESH, {})[attempt.id] = {pk_of[pq.question.id]: pq.question for pq in paper.questions}
    return attempt


def _is_assigned(s: Session, person: Person, exam: Exam, now: datetime) -> bool:
    """`exam in exams_for(person, now)`, without listing the person's other exams."""
    if exam.person_id is not None and exam.person_id != person.id:
        return False
    if exam.organisation_id != person.organisation_id or not (exam.opens_at <= now < exam.closes_at):
        return False
    if exam.post_id not in person_post_ids(s, person):
        return False
    return exam.department_id is None or exam.department_id in _department_chain(s, person.department_id)


def _lock_person(s: Session, person: Person) -> None:
    """One start per person at a time, so the check for an open attempt and the insert cannot interleave
    (twenty simultaneous starts gave six attempts). PostgreSQL: the person's row FOR NO KEY UPDATE (it does
    not block inserts that only reference the person). SQLite: a starting request holds the write lock from
    BEGIN IMMEDIATE, which serializes it already."""
    if s.get_bind().dialect.name != "sqlite":
        s.execute(select(Person.id).where(Person.id == person.id).with_for_update(key_share=True))


def start_exam_attempt(
    s: Session, person: Person, exam: Exam, now: datetime, started_by: int | None
) -> Attempt:
    """Start (or resume: same paper, other device) the person's attempt at a scheduled exam. Another
    person's own exam (a make-up scheduled for them) is 404: it is not confirmed to exist."""
    if exam.person_id is not None and exam.person_id != person.id:
        raise ApiError(404, "not_found", "没有找到")
    if not _is_assigned(s, person, exam, now):
        raise ApiError(403, "not_assigned", "这场考试没有安排给您，或不在考试时间内。")
    _lock_person(s, person)
    tries = attempts_by_exam(s, person, [exam.id])[exam.id]
    for a in tries:
        if not a.is_submitted:
            if finalize_if_expired(s, a, now):
                continue
            return a
    if tries:
        raise ApiError(409, "already_taken", "您已参加过这场考试，请查看成绩。")
    blueprint = blueprint_from_dict(exam.blueprint)
    bank = drawable_bank(s, exam.post.code, person.organisation_id)
    return _new_attempt(
        s, person=person, post=exam.post, kind=exam.kind, blueprint=blueprint, bank=bank.index,
        pk_of=bank.pk_of, groups=bank.groups, now=now, started_by=started_by, exam=exam,
    )  # fmt: skip


def start_spot_attempt(
    s: Session,
    person: Person,
    post: Post,
    now: datetime,
    *,
    started_by: int | None,
    inspection_id: int | None,
) -> Attempt:
    """A 逢查必考 spot test drawn on site (used by the inspections area, kiosk mode)."""
    blueprint = blueprint_for(s, person.organisation_id, post, "spot")
    bank = drawable_bank(s, post.code, person.organisation_id)
    return _new_attempt(
        s, person=person, post=post, kind="spot", blueprint=blueprint, bank=bank.index, pk_of=bank.pk_of,
        groups=bank.groups, now=now, started_by=started_by, inspection_id=inspection_id,
    )  # fmt: skip


def start_practice_attempt(
    s: Session,
    person: Person,
    post: Post,
    now: datetime,
    *,
    section: str | None = None,
    wrong_only: bool = False,
    started_by: int | None = None,
    size: int = PRACTICE_SIZE,
) -> Attempt:
    """Practice: up to `size` questions of the post (of one handbook section, or from the 错题本)."""
    if post.id not in person_post_ids(s, person):
        raise ApiError(403, "not_your_post", "只能练习本人岗位的题目。")
    refuse_during_exam(s, person.id, now)
    bank = drawable_bank(s, post.code, person.organisation_id)
    rows: Sequence[model.Question] = bank.questions
    if section:
        rows = [q for q in rows if q.section == section]
        if not rows and not _section_exists(s, section, person.organisation_id):
            raise ApiError(404, "unknown_section", f"没有手册章节 {section!r}。")
    if wrong_only:
        wrong = {w["question_id"] for w in wrong_book(s, person)}
        rows = [q for q in rows if q.id in wrong]
    if not rows:
        raise ApiError(409, "nothing_to_practise", "没有可练习的题目。")
    seed = secrets.randbits(62)
    picked = random.Random(seed).sample(rows, min(size, len(rows)))
    counts: dict[tuple[str, str], int] = {}
    for r in picked:
        counts[(r.type, r.part)] = counts.get((r.type, r.part), 0) + 1
    base = default_blueprint("practice")
    cells = tuple(model.Cell(type=t, part=p, count=n) for (t, p), n in sorted(counts.items()))  # type: ignore[arg-type]
    blueprint = replace(base, cells=cells, required_tags=(), time_limit_minutes=0)
    return _new_attempt(
        s, person=person, post=post, kind="practice", blueprint=blueprint, bank=picked, pk_of=bank.pk_of,
        now=now, started_by=started_by, seed=seed,
    )  # fmt: skip


def _section_exists(s: Session, section: str, organisation_id: int) -> bool:
    """A section of a live handbook the organisation sees (its own sets or the built-in ones)."""
    return (
        s.scalar(
            select(HandbookSection.id)
            .join(QuestionSet, QuestionSet.id == HandbookSection.set_id)
            .where(
                HandbookSection.section_id == section,
                QuestionSet.retired_at.is_(None),
                (QuestionSet.organisation_id == organisation_id) | QuestionSet.organisation_id.is_(None),
            )
            .limit(1)
        )
        is not None
    )
