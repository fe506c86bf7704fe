"""Exams: scheduling, attempts (draw → save answers one by one → submit → grade), practice, 错题本.

The paper is frozen at start: `Attempt.layout` holds, per position, the question's ext id, its row id
(the exact text asked, even after the set changes), its option order, type and option count — enough to
validate a save without loading questions, and to rebuild the paper for grading and audit.
Submitting appends an `exam_taken` event in the same transaction (practice attempts record none).
Nothing here commits.

Drawing needs the bank indexed (`index_bank`); loading and indexing it on every start costs more than the
rest of the request. `_banks` keeps, per app (so per process), the indexed bank keyed by a fingerprint of
what is live in the database: the visible question sets' ids, versions and load times, and the count, id
sums and max id of their live questions (a retired, restored or revised question changes it). Every start
reads the fingerprint (one aggregate query) and rebuilds on a change, so any process serves what the
database holds; the attempt itself is only ever in the database.
"""

from __future__ import annotations

import random
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy import BigInteger, cast, func, select, update
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.assembly import BankIndex, BankShortfall, assemble_seeded, index_bank, rebuild
from quizbank.blueprints import blueprint_from_dict, blueprint_to_dict, default_blueprint
from quizbank.grading import grade, grade_item
from quizbank.rules import ExamTaken, event_to_dict
from webapp import clock
from webapp.errors import ApiError
from webapp.models import (
    Attempt,
    Department,
    Event,
    Exam,
    HandbookSection,
    Person,
    PersonPost,
    Post,
    Question,
    QuestionSet,
    Response,
)
from webapp.models import Blueprint as BlueprintRow
from webapp.services import certificates
from webapp.services.sets import bank_rows, to_core
from webapp.set_blueprints.service import builtin_blueprint

SCHEDULABLE_KINDS = tuple(k for k in model.EXAM_KINDS if k != "practice")
PRACTICE_SIZE = 10


class AttemptClosed(ApiError):
    def __init__(self, message: str = "本次考试已交卷或已超过截止时间，答案未保存。") -> None:
        super().__init__(409, "attempt_closed", message)


# --- blueprints and scheduling ---------------------------------------------------------------------------


def blueprint_for(s: Session, organisation_id: int, post: Post, kind: str) -> model.Blueprint:
    """The organisation's blueprint for this post and kind, else the one the post's set brings, else the
    default for the kind."""
    row = s.scalar(
        select(BlueprintRow).where(
            BlueprintRow.organisation_id == organisation_id,
            BlueprintRow.post_id == post.id,
            BlueprintRow.kind == kind,
        )
    )
    return blueprint_from_dict(row.spec) if row else builtin_blueprint(post.code, kind)


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
    """The worker's exams open now and not yet passed, with their latest attempt (None: not started)."""
    exams = exams_for(s, person, now)
    attempts = attempts_by_exam(s, person, [e.id for e in exams])
    out = []
    for exam in exams:
        tries = attempts[exam.id]
        if any(a.passed for a in tries):
            continue
        out.append((exam, tries[-1] if tries else None))
    return out


# --- the bank, indexed once per process and bank version -------------------------------------------------


@dataclass(frozen=True)
class DrawableBank:
    """A post's live bank as one organisation sees it (`bank_rows`), as core questions, indexed."""

    index: BankIndex
    pk_of: Mapping[str, int]  # ext id -> question row id

    @property
    def questions(self) -> tuple[model.Question, ...]:
        return self.index.bank


class _BankCache:
    """Indexed banks by fingerprint, least recently used dropped beyond `size`. Thread-safe; one build at a
    time, so a synchronized start of many workers indexes a bank once, not once per waitress thread."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, DrawableBank] = OrderedDict()
        self._lock = threading.Lock()
        self._build = threading.Lock()

    def get(self, key: tuple, build) -> DrawableBank:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        with self._build:
            with self._lock:
                if key in self._entries:
                    return self._entries[key]
            bank = build()
            with self._lock:
                self._entries[key] = bank
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return bank


def _banks() -> _BankCache:
    return current_app.extensions.setdefault("quizbank_exam_banks", _BankCache())


def _bank_fingerprint(s: Session, post_code: str, organisation_id: int) -> tuple:
    """What `bank_rows` would return, summarised: changes whenever its result can change."""
    sets = s.execute(
        select(QuestionSet.id, QuestionSet.version, QuestionSet.loaded_at, QuestionSet.post_codes).where(
            QuestionSet.retired_at.is_(None),
            (QuestionSet.organisation_id.is_(None)) | (QuestionSet.organisation_id == organisation_id),
        )
    ).all()
    general_ids = [r.id for r in sets if not r.post_codes]
    post_ids = [r.id for r in sets if post_code in (r.post_codes or ())]
    versions = tuple(
        sorted((r.id, r.version, str(r.loaded_at)) for r in sets if r.id in {*general_ids, *post_ids})
    )
    if not versions:
        return (post_code, organisation_id, ())
    live = s.execute(
        select(
            func.count(Question.id),
            func.coalesce(func.sum(cast(Question.id, BigInteger)), 0),
            func.coalesce(func.sum(cast(Question.id, BigInteger) * cast(Question.id, BigInteger)), 0),
            func.max(Question.id),
        ).where(
            Question.retired_at.is_(None),
            (Question.set_id.in_(general_ids) & (Question.part == "general"))
            | (Question.set_id.in_(post_ids) & (Question.part == "professional")),
        )
    ).one()
    return (post_code, organisation_id, versions, tuple(int(v or 0) for v in live))


def drawable_bank(s: Session, post_code: str, organisation_id: int) -> DrawableBank:
    """The post's live bank for the organisation, indexed; rebuilt when the database's bank changed."""

    def build() -> DrawableBank:
        rows = bank_rows(s, post_code, organisation_id)
        return DrawableBank(index_bank(to_core(r) for r in rows), {r.ext_id: r.id for r in rows})

    return _banks().get(_bank_fingerprint(s, post_code, organisation_id), build)


# Per session (so per request): what this request already knows about an attempt, so the response does
# not read back what it has just written. Keyed by attempt id; dropped when an answer is saved.
_FRESH = "quizbank_fresh_papers"  # attempt id -> {pk: core question}, for an attempt drawn in this session
_GRADED = "quizbank_graded"  # attempt id -> (rows, result), for an attempt graded in this session


# --- drawing a paper -------------------------------------------------------------------------------------


def _layout(paper: model.Paper, pk_of: Mapping[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "id": pq.question.id,
            "pk": pk_of[pq.question.id],
            "order": list(pq.option_order),
            "type": pq.question.type,
            "n": len(pq.question.options),
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
) -> Attempt:
    """Draw from `bank` (core questions or an index; `pk_of` maps their ids to row ids) or from `rows`."""
    if rows is not None:
        bank, pk_of = [to_core(r) for r in rows], {r.ext_id: r.id for r in rows}
    assert pk_of is not None
    seed = secrets.randbits(62) if seed is None else seed
    try:
        paper = assemble_seeded(bank, blueprint, seed)
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


def start_exam_attempt(
    s: Session, person: Person, exam: Exam, now: datetime, started_by: int | None
) -> Attempt:
    """Start (or resume: same paper, other device) the person's attempt at a scheduled exam. Another
    person's own exam (a make-up scheduled for them) is 404: it is not confirmed to exist."""
    if exam.person_id is not None and exam.person_id != person.id:
        raise ApiError(404, "not_found", "没有找到")
    if not _is_assigned(s, person, exam, now):
        raise ApiError(403, "not_assigned", "这场考试没有安排给您，或不在考试时间内。")
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
        pk_of=bank.pk_of, now=now, started_by=started_by, exam=exam,
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
        now=now, started_by=started_by, inspection_id=inspection_id,
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


# --- the paper, saving, grading --------------------------------------------------------------------------


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
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(Response).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"],
            set_={"choices": picked, "saved_at": now, "correct": correct},
        )
        s.execute(stmt)
        return
    row = s.scalar(
        select(Response).where(Response.attempt_id == attempt.id, Response.question_id == question_id)
    )
    if row is None:
        s.add(Response(**values))
    else:
        row.choices, row.saved_at, row.correct = picked, now, correct


def open_exam_attempt(s: Session, person_id: int, now: datetime) -> Attempt | None:
    """The person's exam or spot test in progress (not submitted, before its deadline), if any."""
    unsubmitted = s.scalars(
        select(Attempt)
        .where(Attempt.person_id == person_id, Attempt.kind != "practice", Attempt.submitted_at.is_(None))
        .order_by(Attempt.started_at)
    )
    return next((a for a in unsubmitted if is_open(a, now)), None)


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
    return {"question_id": question_id, **_item_json(item, row)}


def _item_json(item: model.ItemResult, row: Question) -> dict:
    return {
        "correct": item.is_correct,
        "chosen": list(item.chosen),
        "answer": list(item.correct),
        "points": item.points,
        "max_points": item.max_points,
        "explanation": item.explanation,
        "section": item.section,
        "section_url": section_url(row),
    }


def section_url(row: Question) -> str | None:
    if not row.section:
        return None
    return url_for("exams.handbook_section", set_id=row.set_id, section_id=row.section)


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
    s.flush()
    s.info.setdefault(_GRADED, {})[attempt.id] = (rows, result)
    return result


def result_of(s: Session, attempt: Attempt) -> model.Result:
    """The graded result of a submitted attempt (re-graded from the frozen paper and saved answers)."""
    return grade(paper_of(s, attempt), responses_of(s, attempt))


# --- what the browser gets -------------------------------------------------------------------------------


def attempt_json(s: Session, attempt: Attempt, now: datetime) -> dict:
    """The attempt as the API returns it. Before submit: questions (id, type, stem, options in paper order)
    and the saved answers, never the answer key or explanations. After submit: the result too."""
    fresh = None if attempt.is_submitted else s.info.get(_FRESH, {}).get(attempt.id)
    rows: Mapping[int, Question | model.Question] = fresh if fresh is not None else question_rows(s, attempt)
    questions = []
    for e in attempt.layout:
        row = rows[e["pk"]]
        questions.append(
            {
                "id": e["id"],
                "type": row.type,
                "stem": row.stem,
                "options": [row.options[i] for i in e["order"]],
            }
        )
    out = {
        "id": attempt.id,
        "kind": attempt.kind,
        "title": attempt.exam.title
        if attempt.exam
        else model.EXAM_KIND_NAMES.get(attempt.kind, attempt.kind),
        "post": attempt.post.code,
        "post_name": attempt.post.name,
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "server_now": now.isoformat(),
        "submitted": attempt.is_submitted,
        "questions": questions,
        "responses": {} if fresh is not None else responses_of(s, attempt),
    }
    if attempt.is_submitted:
        out["result"] = result_json(s, attempt, rows)  # type: ignore[arg-type]
    return out


def result_json(s: Session, attempt: Attempt, rows: dict[int, Question] | None = None) -> dict:
    graded = s.info.get(_GRADED, {}).get(attempt.id)
    if graded is not None:  # submitted in this request: the result is known
        rows, result = (rows if rows is not None else graded[0]), graded[1]
    else:
        rows = rows if rows is not None else question_rows(s, attempt)
        result = grade(paper_of(s, attempt, rows), responses_of(s, attempt))
    row_of = {e["id"]: rows[e["pk"]] for e in attempt.layout}
    return {
        "score": result.score,
        "max_score": result.max_score,
        "pass_score": result.pass_score,
        "passed": result.passed,
        "percent": round(result.percent, 1),
        "results": [
            {"question_id": i.question_id, **_item_json(i, row_of[i.question_id])} for i in result.items
        ],
    }


# --- 错题本 ----------------------------------------------------------------------------------------------


def wrong_book(s: Session, person: Person, post_id: int | None = None) -> list[dict]:
    """The person's questions whose latest graded answer was wrong, newest first."""
    query = (
        select(Response, Attempt)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .where(Attempt.person_id == person.id, Response.correct.is_not(None))
        .order_by(Response.saved_at, Response.id)
    )
    if post_id is not None:
        query = query.where(Attempt.post_id == post_id)
    latest: dict[str, tuple[Response, Attempt]] = {}
    for response, attempt in s.execute(query):
        latest[response.question_id] = (response, attempt)
    wrong = [(r, a) for r, a in latest.values() if r.correct is False]
    pk_of = {}
    for r, a in wrong:
        pk_of[r.question_id] = next(e["pk"] for e in a.layout if e["id"] == r.question_id)
    rows = {q.id: q for q in s.scalars(select(Question).where(Question.id.in_(list(pk_of.values()))))}
    out = []
    for r, a in sorted(wrong, key=lambda ra: ra[0].saved_at, reverse=True):
        row = rows[pk_of[r.question_id]]
        entry = next(e for e in a.layout if e["id"] == r.question_id)
        options = [row.options[i] for i in entry["order"]]
        answer = sorted(entry["order"].index(i) for i in row.answer)
        out.append(
            {
                "question_id": r.question_id,
                "type": row.type,
                "stem": row.stem,
                "options": options,
                "chosen": list(r.choices),
                "answer": answer,
                "explanation": row.explanation,
                "section_url": section_url(row),
                "post_id": a.post_id,
                "answered_at": r.saved_at,
            }
        )
    return out
