"""Submitting an attempt (by the worker or at the deadline): grade it, record `exam_taken`, issue a certificate."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from quizbank import model
from quizbank.grading import KeyedItem, grade, grade_keyed
from quizbank.rules import ExamTaken, event_to_dict
from webapp.certs import service as certificates
from webapp.exams.models import Attempt, Response
from webapp.exams.service.papers import _GRADED, paper_of, question_rows, responses_of
from webapp.infra import clock
from webapp.infra.db import Driver, driver_sql, take_write_lock
from webapp.org.models import Post


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
    submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    post_code = s.get(Post, attempt.post_id).code if attempt.kind != "practice" else None  # type: ignore[union-attr]
    write_submission(
        Driver.of(s.connection()),
        Submission(
            attempt_id=attempt.id, organisation_id=attempt.organisation_id, person_id=attempt.person_id,
            post_id=attempt.post_id, post_code=post_code, kind=attempt.kind, entries=entries_of(attempt.layout),
            submitted_at=submitted_at, submitted_by=by, recorded_at=now,
        ),
        saved,
        result,
    )  # fmt: skip
    # Written above in SQL: the object is told, not made dirty (no second UPDATE at flush).
    for name, value in (
        ("submitted_at", submitted_at), ("submitted_by", by), ("score", result.score),
        ("max_score", result.max_score), ("passed", result.passed),
    ):  # fmt: skip
        set_committed_value(attempt, name, value)
    if attempt.kind != "practice":
        certificates.on_exam_passed(s, attempt)
    s.flush()
    if rows is not None:
        s.info.setdefault(_GRADED, {})[attempt.id] = (rows, result)
    return result


def result_of(s: Session, attempt: Attempt) -> model.Result:
    """The graded result of a submitted attempt (re-graded from the frozen paper and saved answers)."""
    return grade(paper_of(s, attempt), responses_of(s, attempt))


Entry = tuple[int, Sequence[int], str | None]  # a question's row id, its option order, its handbook section


def entries_of(layout: list[dict]) -> list[Entry]:
    return [(e["pk"], e["order"], e.get("sec")) for e in layout]


@dataclass(frozen=True)
class Submission:
    """Which paper is being closed, when and by whom: what `write_submission` needs besides the grading."""

    attempt_id: int
    organisation_id: int
    person_id: int
    post_id: int
    post_code: str | None  # None for practice
    kind: str
    entries: Sequence[Entry]  # the paper's questions in order, as frozen at start
    submitted_at: datetime
    submitted_by: str  # "user:<id>" or "deadline"
    recorded_at: datetime


# Each statement is written once, for the driver (webapp.infra.db.Driver): a submit is on the exam's hot path.
_MARK_ANSWERS = driver_sql(
    lambda d: "UPDATE responses SET correct = question_id IN ({}) WHERE attempt_id = :attempt".format(
        "SELECT value FROM json_each(:right)"
        if d == "sqlite"
        else "SELECT json_array_elements_text(CAST(:right AS json))"
    )
)
_CLOSE_ATTEMPT = driver_sql(
    lambda d: (
        "UPDATE attempts SET submitted_at = :submitted_at, submitted_by = :submitted_by, score = :score, "
        "max_score = :max_score, passed = :passed WHERE id = :attempt"
    )
)
_INSERT_EVENT = driver_sql(
    lambda d: (
        "INSERT INTO events (organisation_id, person_id, post_code, kind, occurred_on, data, recorded_at, "
        "recorded_by) VALUES (:organisation_id, :person_id, :post_code, :kind, :occurred_on, {}, :recorded_at, "
        ":recorded_by)".format(":data" if d == "sqlite" else "CAST(:data AS json)")
    )
)
# PostgreSQL: the paper's rows go in as one JSON parameter, unpacked by the database (one round trip), and the
# person's department as of now is read inside the INSERT (no statement of its own).
_INSERT_ITEMS_SQL = """
INSERT INTO item_results (organisation_id, attempt_id, post_id, department_id, question_pk, question_id, section,
                          kind, submitted_at, answered, correct, picked, score_share)
SELECT :organisation_id, :attempt_id, :post_id, (SELECT department_id FROM people WHERE id = :person_id),
       r.pk, r.q, r.s, :kind, :submitted_at, r.a, r.c, r.m, :score_share
FROM json_to_recordset(CAST(:rows AS json)) AS r(pk integer, q text, s text, a boolean, c boolean, m integer)
"""
# SQLite: no round trips to save, and unpacking JSON there costs more than the driver's executemany of plain
# rows (the department read by each row, a primary-key lookup).
_INSERT_ITEM_ROWS = """
INSERT INTO item_results (organisation_id, attempt_id, post_id, department_id, question_pk, question_id, section,
                          kind, submitted_at, answered, correct, picked, score_share)
VALUES (?, ?, ?, (SELECT department_id FROM people WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _items_sql(dialect: str) -> str:
    return _INSERT_ITEM_ROWS if dialect == "sqlite" else _INSERT_ITEMS_SQL


_INSERT_ITEMS = driver_sql(_items_sql)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def write_submission(db: Driver, sub: Submission, saved: dict[str, list[int]], result: model.Result) -> None:
    """Close a graded paper in the caller's transaction, in three statements: the attempt's score and
    verdict, the `exam_taken` event, and one item_results row per question for 试题分析 and the 错题本 (right or
    wrong, the original options picked as a bit mask, the paper's share of the score). Practice records
    neither: its saved answers are marked right or wrong instead (one UPDATE, a cleared answer too). The
    attempt must be locked (FOR UPDATE / SQLite's write lock), not yet submitted."""
    if sub.kind == "practice" and saved:  # an exam's answers are graded in its item results (below)
        right = [i.question_id for i in result.items if i.is_correct and i.question_id in saved]
        db.execute(_MARK_ANSWERS, {"attempt": sub.attempt_id, "right": _dumps(right)})
    submitted_at = db.when(sub.submitted_at)
    db.execute(
        _CLOSE_ATTEMPT,
        {
            "attempt": sub.attempt_id, "submitted_at": submitted_at, "submitted_by": sub.submitted_by,
            "score": result.score, "max_score": result.max_score, "passed": result.passed,
        },
    )  # fmt: skip
    if sub.kind == "practice":
        return
    on = clock.local(sub.submitted_at).date()  # type: ignore[union-attr]
    taken = ExamTaken(
        on=on, kind=sub.kind, passed=result.passed, score=round(result.percent, 2),  # type: ignore[arg-type]
        attempt_id=str(sub.attempt_id), post=sub.post_code or "",
    )  # fmt: skip
    by = sub.submitted_by
    db.execute(
        _INSERT_EVENT,
        {
            "organisation_id": sub.organisation_id, "person_id": sub.person_id, "post_code": sub.post_code,
            "kind": "exam_taken", "occurred_on": db.day(on), "data": json.dumps(event_to_dict(taken)),
            "recorded_at": db.when(sub.recorded_at),
            "recorded_by": int(by.split(":")[1]) if by.startswith("user:") else None,
        },
    )  # fmt: skip
    share = result.score / result.max_score if result.max_score else 0.0
    marks = []
    for (pk, order, section), item in zip(sub.entries, result.items, strict=True):
        picked = saved.get(item.question_id, ())
        mask = 0
        for position in picked:
            mask |= 1 << order[position]
        marks.append((pk, item.question_id, section, bool(picked), item.is_correct, mask))
    if not marks:
        return
    if db.sqlite:
        paper = (sub.organisation_id, sub.attempt_id, sub.post_id, sub.person_id)
        rows = [(*paper, *mark[:3], sub.kind, submitted_at, *mark[3:], share) for mark in marks]
        db.execute(_INSERT_ITEMS, rows, many=True)
        return
    db.execute(
        _INSERT_ITEMS,
        {
            "organisation_id": sub.organisation_id, "attempt_id": sub.attempt_id, "post_id": sub.post_id,
            "person_id": sub.person_id, "kind": sub.kind, "submitted_at": submitted_at, "score_share": share,
            "rows": _dumps([dict(zip("qsacm", mark[1:], strict=True), pk=mark[0]) for mark in marks]),
        },
    )  # fmt: skip
