"""试题分析: what the answers say about each question, from `item_results` (one row per question of a
submitted paper), computed with SQL aggregates only: two GROUP BYs return the sums every figure needs, so memory is bounded by the number of questions, never by the number of answers.

- times drawn: rows; difficulty index: share answered right;
- discrimination: the point-biserial correlation between being right on the item and the paper's score
  share (uncorrected: the item's own points are in the total), from n, Σright, Σx, Σx², Σx·right;
- option pick shares (choice questions): from a second GROUP BY (question, picked mask) — at most questions ×
  distinct choices rows — split per option (bit k = original option k), over those who answered;
- flags: nobody right (a wrong key?) and negative discrimination, once enough people sat it.
The 班前会 list: per post (and department) the most-missed questions and sections of the last days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from webapp.analysis.models import ItemResult
from webapp.bank.models import HandbookSection, Question

MAX_OPTIONS = 8
MIN_FOR_FLAGS = 5  # fewer answers than this say nothing about a question
ANALYSED_KINDS = ("qualification", "periodic", "spot", "makeup", "retraining")


@dataclass(frozen=True)
class QuestionStats:
    question_pk: int
    question_id: str
    drawn: int
    answered: int
    right: int
    difficulty: float  # share right, 0..1
    discrimination: float | None  # point-biserial; None when undefined (all right, all wrong, no spread)
    option_shares: tuple[float, ...]  # per original option, share of those who answered; () for 判断 too
    flags: tuple[str, ...]
    stem: str = ""
    type: str = ""
    options: tuple[str, ...] = ()
    answer: tuple[int, ...] = ()


FLAG_NAMES = {"nobody_right": "无人答对（答案是否有误？）", "negative_discrimination": "区分度为负"}


def _where(organisation_id: int, post_id: int | None, department_id: int | None, since, until):
    conditions = [ItemResult.organisation_id == organisation_id, ItemResult.kind.in_(ANALYSED_KINDS)]
    if post_id is not None:
        conditions.append(ItemResult.post_id == post_id)
    if department_id is not None:
        conditions.append(ItemResult.department_id == department_id)
    if since is not None:
        conditions.append(ItemResult.submitted_at >= since)
    if until is not None:
        conditions.append(ItemResult.submitted_at < until)
    return and_(*conditions)


def _one(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


def aggregate_query(where):
    """The one GROUP BY the analysis rests on (also what the benchmark times against the bare aggregate)."""
    x = ItemResult.score_share
    right = case((ItemResult.correct.is_(True), 1), else_=0)
    return (
        select(
            ItemResult.question_pk,
            func.count(),
            _one(ItemResult.answered.is_(True)),
            func.sum(right),
            func.sum(x),
            func.sum(x * x),
            func.sum(case((ItemResult.correct.is_(True), x), else_=0.0)),
        )
        .where(where)
        .group_by(ItemResult.question_pk)
    )


def picks_query(where):
    """How often each set of options was picked, per question: few rows (questions × distinct choices),
    split into per-option counts in Python."""
    return (
        select(ItemResult.question_pk, ItemResult.picked, func.count())
        .where(where, ItemResult.picked != 0)
        .group_by(ItemResult.question_pk, ItemResult.picked)
    )


# A discrimination of exactly zero, computed from float sums, can come out as -1e-17: not negative.
ROUNDING = 1e-9


def point_biserial(n: int, right: int, sx: float, sxx: float, sxy: float) -> float | None:
    if n < 2 or right in (0, n):
        return None
    mean = sx / n
    variance = sxx / n - mean * mean
    if variance <= 1e-12:
        return None
    m1 = sxy / right
    m0 = (sx - sxy) / (n - right)
    p = right / n
    return (m1 - m0) / math.sqrt(variance) * math.sqrt(p * (1 - p))


def question_stats(
    s: Session,
    organisation_id: int,
    *,
    post_id: int | None = None,
    department_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[QuestionStats]:
    """Per question drawn in the organisation's submitted papers (practice left out), most drawn first."""
    where = _where(organisation_id, post_id, department_id, since, until)
    rows = s.execute(aggregate_query(where)).all()
    picked: dict[int, list[int]] = {}
    for pk, mask, count in s.execute(picks_query(where)):
        per_option = picked.setdefault(pk, [0] * MAX_OPTIONS)
        for k in range(MAX_OPTIONS):
            if mask >> k & 1:
                per_option[k] += count
    pks = [r[0] for r in rows]
    questions = {q.id: q for q in s.scalars(select(Question).where(Question.id.in_(pks)))} if pks else {}
    out = []
    for pk, n, answered, right, sx, sxx, sxy in rows:
        picks = picked.get(pk, [0] * MAX_OPTIONS)
        n, answered, right = int(n), int(answered or 0), int(right or 0)
        q = questions.get(pk)
        r = point_biserial(n, right, float(sx or 0), float(sxx or 0), float(sxy or 0))
        flags = []
        if n >= MIN_FOR_FLAGS and right == 0:
            flags.append("nobody_right")
        if n >= MIN_FOR_FLAGS and r is not None and r < -ROUNDING:
            flags.append("negative_discrimination")
        shares: tuple[float, ...] = ()
        if q is not None and q.type != "truefalse":
            shares = tuple(
                (int(picks[k] or 0) / answered if answered else 0.0) for k in range(len(q.options))
            )
        out.append(
            QuestionStats(
                question_pk=pk,
                question_id=q.ext_id if q else "",
                drawn=n,
                answered=answered,
                right=right,
                difficulty=right / n if n else 0.0,
                discrimination=r,
                option_shares=shares,
                flags=tuple(flags),
                stem=q.stem if q else "",
                type=q.type if q else "",
                options=tuple(q.options) if q else (),
                answer=tuple(q.answer) if q else (),
            )
        )
    out.sort(key=lambda st: (-st.drawn, st.question_pk))
    return out


@dataclass(frozen=True)
class Missed:
    label: str  # the question's stem, or the section id
    key: str  # question ext id or section id
    asked: int
    wrong: int

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.asked if self.asked else 0.0


def briefing(
    s: Session,
    organisation_id: int,
    *,
    post_id: int | None,
    department_id: int | None,
    since: datetime,
    until: datetime | None = None,
    limit: int = 10,
) -> tuple[list[Missed], list[Missed]]:
    """The 班前会 list: the most-missed questions and handbook sections (by wrong answers, then share)."""
    where = _where(organisation_id, post_id, department_id, since, until)
    wrong = func.sum(case((ItemResult.correct.is_(True), 0), else_=1)).label("wrong")
    q_rows = s.execute(
        select(ItemResult.question_pk, func.count(), wrong)
        .where(where)
        .group_by(ItemResult.question_pk)
        .having(wrong > 0)
        .order_by(wrong.desc(), ItemResult.question_pk)
        .limit(limit)
    ).all()
    stems = dict(
        s.execute(select(Question.id, Question.stem).where(Question.id.in_([r[0] for r in q_rows]))).all()
    )
    ext = dict(
        s.execute(select(Question.id, Question.ext_id).where(Question.id.in_([r[0] for r in q_rows]))).all()
    )
    questions = [Missed(stems.get(pk, ""), ext.get(pk, ""), int(n), int(w)) for pk, n, w in q_rows]
    section = func.coalesce(ItemResult.section, "")
    s_rows = s.execute(
        select(section, func.count(), wrong)
        .where(where)
        .group_by(section)
        .having(wrong > 0)
        .order_by(wrong.desc(), section)
        .limit(limit)
    ).all()
    titles = dict(
        s.execute(
            select(HandbookSection.section_id, HandbookSection.title).where(
                HandbookSection.section_id.in_([r[0] for r in s_rows if r[0]])
            )
        ).all()
    )
    sections = [
        Missed(f"{titles[sec]}（{sec}）" if sec in titles else sec or "（未注明章节）", sec, int(n), int(w))
        for sec, n, w in s_rows
    ]
    return questions, sections


def stats_json(st: QuestionStats) -> dict:
    return {
        "question_pk": st.question_pk,
        "question_id": st.question_id,
        "type": st.type,
        "stem": st.stem,
        "drawn": st.drawn,
        "answered": st.answered,
        "right": st.right,
        "difficulty": round(st.difficulty, 4),
        "discrimination": None if st.discrimination is None else round(st.discrimination, 4),
        "option_shares": [round(x, 4) for x in st.option_shares],
        "flags": list(st.flags),
    }


def missed_json(m: Missed) -> dict:
    return {
        "key": m.key,
        "label": m.label,
        "asked": m.asked,
        "wrong": m.wrong,
        "wrong_share": round(m.wrong_share, 4),
    }
