"""Submitting an attempt (by the worker or at the deadline): grade it, record `exam_taken`, issue a certificate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.grading import grade
from quizbank.rules import ExamTaken, event_to_dict
from webapp.analysis.models import ItemResult as ItemResultRow
from webapp.certs import service as certificates
from webapp.exams.models import Attempt, Response
from webapp.exams.service.papers import _GRADED, paper_of, question_rows, responses_of
from webapp.infra import clock
from webapp.org.models import Person
from webapp.standing.models import Event


def finalize_if_expired(s: Session, attempt: Attempt, now: datetime) -> bool:
    """Past the deadline and not submitted: grade what was saved. True when it did."""
    if attempt.is_submitted or attempt.deadline is None or now <= attempt.deadline:
        return False
    submit(s, attempt, now, by="deadline")
    return True


def submit(s: Session, attempt: Attempt, now: datetime, *, by: str) -> model.Result:
    """Grade the saved answers and close the attempt; a second submit returns the first result."""
    if attempt.is_submitted:
        return result_of(s, attempt)
    s.refresh(attempt, with_for_update=True)  # two submits at once (two tabs) grade once
    if attempt.is_submitted:
        return result_of(s, attempt)
    rows = question_rows(s, attempt)
    paper = paper_of(s, attempt, rows)
    saved = responses_of(s, attempt)
    result = grade(paper, saved)
    # Mark the saved answers (a cleared one too) right or wrong: one UPDATE for each, not one per answer.
    for correct in (True, False):
        ids = [i.question_id for i in result.items if i.question_id in saved and i.is_correct is correct]
        if ids:
            s.execute(
                update(Response)
                .where(Response.attempt_id == attempt.id, Response.question_id.in_(ids))
                .values(correct=correct)
            )
    attempt.submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    attempt.submitted_by = by
    attempt.score, attempt.max_score, attempt.passed = result.score, result.max_score, result.passed
    if attempt.kind != "practice":
        on = clock.local(attempt.submitted_at).date()
        event = ExamTaken(
            on=on,
            kind=attempt.kind,  # type: ignore[arg-type]
            passed=result.passed,
            score=round(result.percent, 2),
            attempt_id=str(attempt.id),
            post=attempt.post.code,
        )
        s.add(
            Event(
                organisation_id=attempt.organisation_id,
                person_id=attempt.person_id,
                post_code=attempt.post.code,
                kind="exam_taken",
                occurred_on=on,
                data=event_to_dict(event),
                recorded_at=now,
                recorded_by=int(by.split(":")[1]) if by.startswith("user:") else None,
            )
        )
        certificates.on_exam_passed(s, attempt)
        _record_items(s, attempt, paper, saved, result)
    s.flush()
    s.info.setdefault(_GRADED, {})[attempt.id] = (rows, result)
    return result


def result_of(s: Session, attempt: Attempt) -> model.Result:
    """The graded result of a submitted attempt (re-graded from the frozen paper and saved answers)."""
    return grade(paper_of(s, attempt), responses_of(s, attempt))


def _record_items(
    s: Session, attempt: Attempt, paper: model.Paper, saved: dict[str, list[int]], result: model.Result
) -> None:
    """One item_results row per question of the paper, for 试题分析 (SQL aggregates read only these):
    right or wrong, the original options picked as a bit mask, and the paper's share of the score."""
    share = result.score / result.max_score if result.max_score else 0.0
    pk_of = {e["id"]: e["pk"] for e in attempt.layout}
    # The person's department as of now, read inside the INSERT (no statement of its own).
    department_id = select(Person.department_id).where(Person.id == attempt.person_id).scalar_subquery()
    rows = []
    for pq, item in zip(paper.questions, result.items, strict=True):
        mask = 0
        for position in saved.get(item.question_id, ()):
            mask |= 1 << pq.option_order[position]
        rows.append(
            {
                "organisation_id": attempt.organisation_id,
                "attempt_id": attempt.id,
                "post_id": attempt.post_id,
                "department_id": department_id,
                "question_pk": pk_of[item.question_id],
                "question_id": item.question_id,
                "section": pq.question.section,
                "kind": attempt.kind,
                "submitted_at": attempt.submitted_at,
                "answered": bool(saved.get(item.question_id)),
                "correct": item.is_correct,
                "picked": mask,
                "score_share": share,
            }
        )
    if rows:
        s.execute(insert(ItemResultRow).values(rows))
