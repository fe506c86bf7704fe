"""The frozen paper of an attempt, its saved answers, and whether it is still open."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.assembly import rebuild
from quizbank.blueprints import blueprint_from_dict
from webapp.bank.models import Question
from webapp.bank.sets import to_core
from webapp.exams.models import Attempt, Response
from webapp.infra.errors import ApiError


class AttemptClosed(ApiError):
    def __init__(self, message: str = "本次考试已交卷或已超过截止时间，答案未保存。") -> None:
        super().__init__(409, "attempt_closed", message)


# Per session (so per request): what this request already knows about an attempt, so the response does
# not read back what it has just written. Keyed by attempt id; dropped when an answer is saved.
_FRESH = "quizbank_fresh_papers"  # attempt id -> {pk: core question}, for an attempt drawn in this session
_GRADED = "quizbank_graded"  # attempt id -> (rows, result), for an attempt graded in this session


def question_rows(s: Session, attempt: Attempt) -> dict[int, Question]:
    pks = [e["pk"] for e in attempt.layout]
    return {q.id: q for q in s.scalars(select(Question).where(Question.id.in_(pks)))}


def paper_of(s: Session, attempt: Attempt, rows: dict[int, Question] | None = None) -> model.Paper:
    rows = rows if rows is not None else question_rows(s, attempt)
    by_id = {e["id"]: to_core(rows[e["pk"]]) for e in attempt.layout}
    layout = [(e["id"], e["order"]) for e in attempt.layout]
    return rebuild(by_id, blueprint_from_dict(attempt.blueprint), layout, seed=attempt.seed)


def responses_of(s: Session, attempt: Attempt) -> dict[str, list[int]]:
    return {
        r.question_id: list(r.choices)
        for r in s.scalars(select(Response).where(Response.attempt_id == attempt.id))
    }


def is_open(attempt: Attempt, now: datetime, grace: bool = False) -> bool:
    if attempt.is_submitted:
        return False
    if attempt.deadline is None:
        return True
    extra = timedelta(seconds=current_app.config.get("EXAM_SAVE_GRACE_SECONDS", 0)) if grace else timedelta()
    return now <= attempt.deadline + extra
