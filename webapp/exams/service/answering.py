"""Saving one answer (exams, spot tests) and checking one practice answer; no answers shown during an exam."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.blueprints import blueprint_from_dict
from quizbank.grading import grade_item
from webapp.bank.models import Question
from webapp.bank.sets import to_core
from webapp.exams.models import Attempt, Response
from webapp.exams.service.papers import _FRESH, AttemptClosed, is_open
from webapp.exams.service.results import SectionLinks, _item_json
from webapp.infra.errors import ApiError


def _validate_choices(attempt: Attempt, question_id: str, choices: Any) -> list[int]:
    entry = next((e for e in attempt.layout if e["id"] == question_id), None)
    if entry is None:
        raise ApiError(404, "not_on_paper", f"题目 {question_id} 不在本试卷上。")
    if not isinstance(choices, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in choices
    ):
        raise ApiError(400, "bad_choices", "choices 必须是整数列表（选项位置，从 0 开始）。")
    picked = sorted(set(choices))
    if any(c < 0 or c >= entry["n"] for c in picked):
        raise ApiError(400, "bad_choices", f"选项位置超出范围（本题共 {entry['n']} 个选项）。")
    if entry["type"] != "multiple" and len(picked) > 1:
        raise ApiError(400, "bad_choices", "单选题和判断题只能选一个选项。")
    return picked


@functools.cache
def _upsert_statement(dialect: str):
    """One statement per dialect, its values bound per call (built per call it cost more than it runs)."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    stmt = insert(Response)
    return stmt.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={name: stmt.excluded[name] for name in ("choices", "saved_at", "correct")},
    )


def _upsert_response(
    s: Session, attempt: Attempt, question_id: str, picked: list[int], now: datetime, correct=None
):
    s.info.get(_FRESH, {}).pop(attempt.id, None)  # it has an answer now
    values = {
        "attempt_id": attempt.id,
        "question_id": question_id,
        "choices": picked,
        "saved_at": now,
        "correct": correct,
    }
    dialect = s.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        s.execute(_upsert_statement(dialect), values)
        return
    row = s.scalar(
        select(Response).where(Response.attempt_id == attempt.id, Response.question_id == question_id)
    )
    if row is None:
        s.add(Response(**values))
    else:
        row.choices, row.saved_at, row.correct = picked, now, correct


def open_exam_attempt(s: Session, person_id: int, now: datetime) -> Attempt | None:
    """The person's exam or spot test in progress, if any: not submitted, and a save to it can still be
    accepted (before its deadline plus the save grace, so answers shown in the grace could not be saved)."""
    unsubmitted = s.scalars(
        select(Attempt)
        .where(Attempt.person_id == person_id, Attempt.kind != "practice", Attempt.submitted_at.is_(None))
        .order_by(Attempt.started_at)
    )
    return next((a for a in unsubmitted if is_open(a, now, grace=True)), None)


ANSWERS_HIDDEN = "考试进行中，交卷后可查看。"


def refuse_during_exam(
    s: Session, person_id: int, now: datetime, message: str = "考试进行中，交卷后才能练习和查看答案。"
) -> None:
    """Practice, the 错题本 and earlier results hand out answers; none while the person sits an exam or spot
    test (its questions come from the same bank): 409 until it is submitted or past its deadline."""
    if open_exam_attempt(s, person_id, now) is not None:
        raise ApiError(409, "exam_in_progress", message)


def save_response(s: Session, attempt: Attempt, question_id: str, choices: Any, now: datetime) -> None:
    """Save one answer (idempotent; an empty list clears it). 409 once submitted or past the deadline.
    Load `attempt` FOR SHARE when requests run side by side (the API does): `submit` locks it FOR UPDATE, so
    an answer is never acknowledged after its paper was graded without it."""
    if not is_open(attempt, now, grace=True):
        raise AttemptClosed()
    _upsert_response(s, attempt, question_id, _validate_choices(attempt, question_id, choices), now)


def check_practice(s: Session, attempt: Attempt, question_id: str, choices: Any, now: datetime) -> dict:
    """Practice only: save the answer and say at once whether it is right, with the answer and 解析."""
    if attempt.kind != "practice":
        raise ApiError(403, "not_practice", "只有练习可以即时查看答案。")
    if attempt.is_submitted:
        raise AttemptClosed("本次练习已结束。")
    refuse_during_exam(s, attempt.person_id, now)
    picked = _validate_choices(attempt, question_id, choices)
    entry = next(e for e in attempt.layout if e["id"] == question_id)
    row = s.get(Question, entry["pk"])
    blueprint = blueprint_from_dict(attempt.blueprint)
    pq = model.PaperQuestion(to_core(row), tuple(entry["order"]), float(blueprint.points[row.type]))
    item = grade_item(pq, picked, blueprint.multiple_scoring)
    _upsert_response(s, attempt, question_id, picked, now, correct=item.is_correct)
    return {"question_id": question_id, **_item_json(item, row, SectionLinks())}
