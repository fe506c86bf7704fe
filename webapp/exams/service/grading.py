"""Submitting an attempt (by the worker or at the deadline): grade it, record `exam_taken`, issue a certificate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.grading import KeyedItem, grade, grade_keyed
from quizbank.rules import ExamTaken, event_to_dict
from webapp.analysis.models import ItemResult as ItemResultRow
from webapp.certs import service as certificates
from webapp.exams.models import Attempt, Response
from webapp.exams.service.papers import _GRADED, paper_of, question_rows, responses_of
from webapp.infra import clock
from webapp.infra.db import take_write_lock
from webapp.org.models import Person, Post
from webapp.standing.models import Event


def finalize_if_expired(s: Session, attempt: Attempt, now: datetime) -> bool:
    """Past the deadline and not submitted: grade what was saved. True when it is now graded (by this
    request, or by another one while this one waited for the write lock)."""
    if attempt.is_submitted or attempt.deadline is None or now <= attempt.deadline:
        return False
    take_write_lock(s)  # many workers open their expired papers at once, mostly in GET requests
    if attempt.is_submitted:  # graded by another request while this one waited
        return True
    submit(s, attempt, now, by="deadline")
    return True


def _keyed(attempt: Attempt) -> list[KeyedItem] | None:
    """The paper's key as frozen at start; None for a paper started before keys were frozen."""
    if not all("key" in e for e in attempt.layout):
        return None
    return [KeyedItem(e["id"], e["type"], tuple(e["key"]), float(e["pts"])) for e in attempt.layout]


def _saved(s: Session, attempt_id: int) -> dict[str, list[int]]:
    rows = s.execute(select(Response.question_id, Response.choices).where(Response.attempt_id == attempt_id))
    return {question_id: list(choices) for question_id, choices in rows}


def submit(s: Session, attempt: Attempt, now: datetime, *, by: str, locked: bool = False) -> model.Result:
    """Grade the saved answers and close the attempt, in the caller's transaction; a second submit returns
    the first result. `locked`: `attempt` was read FOR UPDATE in this transaction (else it is, here): two
    submits at once (two tabs) grade once, and a save holding it FOR SHARE finishes first.

    A paper holds its key and points (frozen at start): grading reads only the saved answers. Without them
    (a paper started before), it is rebuilt from the question rows. The result's items then carry no
    explanation; the result page reads the questions (`result_json`)."""
    if attempt.is_submitted:
        return result_of(s, attempt)
    if not locked:
        s.refresh(attempt, with_for_update=True)
        if attempt.is_submitted:
            return result_of(s, attempt)
    keyed = _keyed(attempt)
    rows = None
    saved = _saved(s, attempt.id)
    if keyed is not None:
        blueprint = attempt.blueprint
        result = grade_keyed(
            keyed, saved, pass_percent=float(blueprint.get("pass_percent", 80)),
            scoring=blueprint.get("multiple_scoring", "all_or_nothing"),
        )  # fmt: skip
    else:
        rows = question_rows(s, attempt)
        result = grade(paper_of(s, attempt, rows), saved)
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
        post_code = s.get(Post, attempt.post_id).code  # type: ignore[union-attr]
        on = clock.local(attempt.submitted_at).date()
        event = ExamTaken(
            on=on,
            kind=attempt.kind,  # type: ignore[arg-type]
            passed=result.passed,
            score=round(result.percent, 2),
            attempt_id=str(attempt.id),
            post=post_code,
        )
        s.add(
            Event(
                organisation_id=attempt.organisation_id,
                person_id=attempt.person_id,
                post_code=post_code,
                kind="exam_taken",
                occurred_on=on,
                data=event_to_dict(event),
                recorded_at=now,
                recorded_by=int(by.split(":")[1]) if by.startswith("user:") else None,
            )
        )
        certificates.on_exam_passed(s, attempt)
        _record_items(s, attempt, saved, result)
    s.flush()
    if rows is not None:
        s.info.setdefault(_GRADED, {})[attempt.id] = (rows, result)
    return result


def result_of(s: Session, attempt: Attempt) -> model.Result:
    """The graded result of a submitted attempt (re-graded from the frozen paper and saved answers)."""
    return grade(paper_of(s, attempt), responses_of(s, attempt))


def _record_items(s: Session, attempt: Attempt, saved: dict[str, list[int]], result: model.Result) -> None:
    """One item_results row per question of the paper, for 试题分析 (SQL aggregates read only these):
    right or wrong, the original options picked as a bit mask, and the paper's share of the score."""
    share = result.score / result.max_score if result.max_score else 0.0
    # The person's department as of now, read inside the INSERT (no statement of its own).
    department_id = select(Person.department_id).where(Person.id == attempt.person_id).scalar_subquery()
    rows = []
    for entry, item in zip(attempt.layout, result.items, strict=True):
        mask = 0
        for position in saved.get(item.question_id, ()):
            mask |= 1 << entry["order"][position]
        rows.append(
            {
                "organisation_id": attempt.organisation_id,
                "attempt_id": attempt.id,
                "post_id": attempt.post_id,
                "department_id": department_id,
                "question_pk": entry["pk"],
                "question_id": item.question_id,
                "section": entry.get("sec"),
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
