"""Question sets, posts, the worker's exams, and attempts (start, read, save an answer, check, submit)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, jsonify, url_for
from flask_login import current_user
from sqlalchemy import func, select

from webapp.bank.models import Question, QuestionSet
from webapp.exams import service
from webapp.exams.models import Attempt, Exam
from webapp.infra import clock
from webapp.infra.api import bp, created, json_body
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.security import current_person, get_owned, require_role, scoped, signed_in
from webapp.org.models import Post

ATTEMPT_ROLES = ("worker", "inspector")  # inspectors run spot tests on their tablet (kiosk mode)


def own_attempt(attempt_id: int, *, for_share: bool = False, for_update: bool = False) -> Attempt:
    """The attempt, if it is the signed-in worker's own, or one this inspector started (kiosk); else 404.
    `for_share`: locked until the request ends, so a submit in another request (which locks it for update)
    either waits for this one or is seen by it (PostgreSQL; SQLite runs one writing request at a time).
    `for_update`: locked for a submit."""
    lock = True if for_update else ({"read": True} if for_share else None)
    attempt = get_owned(Attempt, attempt_id, with_for_update=lock)
    mine = current_user.person_id is not None and attempt.person_id == current_user.person_id
    kiosk = attempt.inspection_id is not None and attempt.started_by == current_user.id
    if not (mine or kiosk):
        raise ApiError(404, "not_found", "没有找到这次考试")
    return attempt


def require_person():
    person = current_person()
    if person is None:
        raise ApiError(403, "no_person", "当前账号没有关联作业人员档案。")
    return person


def post_by_code(code: str) -> Post:
    post = session.scalar(scoped(select(Post), Post).where(Post.code == code))
    if post is None:
        raise ApiError(404, "unknown_post", f"没有岗位 {code!r}")
    return post


def exam_json(exam: Exam, attempt: Attempt | None = None) -> dict:
    out = {
        "id": exam.id,
        "title": exam.title,
        "post": exam.post.code,
        "post_name": exam.post.name,
        "kind": exam.kind,
        "opens": exam.opens_at.isoformat(),
        "closes": exam.closes_at.isoformat(),
    }
    if attempt is not None:
        out["attempt"] = {"id": attempt.id, "submitted": attempt.is_submitted, "passed": attempt.passed}
    return out


@bp.get("/question-sets")
@signed_in
def question_sets():
    counts = dict(
        session.execute(
            select(Question.set_id, func.count(Question.id))
            .where(Question.retired_at.is_(None))
            .group_by(Question.set_id)
        ).all()
    )
    rows = session.scalars(
        scoped(select(QuestionSet), QuestionSet)
        .where(QuestionSet.retired_at.is_(None))
        .order_by(QuestionSet.key)
    )
    return jsonify(
        [
            {
                "id": r.id,
                "key": r.key,
                "title": r.title,
                "version": r.version,
                "origin": r.origin,
                "posts": r.post_codes,
                "questions": counts.get(r.id, 0),
            }
            for r in rows
        ]
    )


@bp.get("/posts")
@signed_in
def posts():
    rows = session.scalars(scoped(select(Post), Post).where(Post.retired_at.is_(None)).order_by(Post.code))
    return jsonify(
        [
            {"code": p.code, "name": p.name, "risk": p.risk, "special_operation": p.special_operation}
            for p in rows
        ]
    )


@bp.get("/exams")
@require_role("worker")
def exams():
    person = require_person()
    return jsonify([exam_json(e, a) for e, a in service.assigned_exams(session, person, clock.now())])


@bp.post("/attempts")
@require_role("worker")
def attempt_start():
    data = json_body()
    if current_user.person_id is None:
        require_person()  # 403 no_person
    now = clock.now()
    if "exam_id" in data:
        if type(data["exam_id"]) is not int:  # not a bool either
            raise ApiError(400, "bad_request", "exam_id 必须是整数")
        fresh = 0 < data["exam_id"] < 2**31 and service.start_fresh_exam_attempt(
            session, person_id=current_user.person_id, organisation_id=current_user.organisation_id,
            exam_id=data["exam_id"], now=now, started_by=current_user.id,
        )  # fmt: skip
        if fresh:  # the common case: a first start, encoded already
            return created(fresh.body, url_for("api.attempt", attempt_id=fresh.id))
        person = require_person()
        exam = get_owned(Exam, data["exam_id"])  # else: resume, or say why not
        attempt = service.start_exam_attempt(session, person, exam, now, current_user.id)
    elif isinstance(data.get("practice"), dict):
        person = require_person()
        spec = data["practice"]
        post = post_by_code(str(spec.get("post") or ""))
        attempt = service.start_practice_attempt(
            session,
            person,
            post,
            now,
            section=spec.get("section") or None,
            wrong_only=bool(spec.get("wrong")),
            started_by=current_user.id,
        )
    else:
        raise ApiError(400, "bad_request", "需要 exam_id 或 practice: {post, section?}")
    return created(service.attempt_json(session, attempt, now), url_for("api.attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@require_role(*ATTEMPT_ROLES)
def attempt(attempt_id: int):
    attempt = own_attempt(attempt_id)
    now = clock.now()
    service.finalize_if_expired(session, attempt, now)
    if attempt.is_submitted:  # its result holds the answers
        service.refuse_during_exam(session, attempt.person_id, now, service.ANSWERS_HIDDEN)
    return jsonify(service.attempt_json(session, attempt, now))


@bp.put("/attempts/<int:attempt_id>/responses/<question_id>")
@require_role(*ATTEMPT_ROLES)
def attempt_response(attempt_id: int, question_id: str):
    facts = service.paper_facts(session, attempt_id)  # cached per process: a started paper never changes
    mine = (
        facts is not None and current_user.person_id is not None and facts.person_id == current_user.person_id
    )
    kiosk = facts is not None and facts.inspection_id is not None and facts.started_by == current_user.id
    if not (mine or kiosk):
        raise ApiError(404, "not_found", "没有找到这次考试")
    picked = service.valid_choices(facts, question_id, json_body().get("choices"))  # type: ignore[arg-type]
    grace = timedelta(seconds=current_app.config.get("EXAM_SAVE_GRACE_SECONDS", 0))
    # One guarded statement: stored only while the paper is open, ordered against a submit (FOR SHARE).
    service.store_answer(session, attempt_id, question_id, picked, clock.now(), grace)
    return "", 204


@bp.post("/attempts/<int:attempt_id>/responses/<question_id>/check")
@require_role(*ATTEMPT_ROLES)
def attempt_check(attempt_id: int, question_id: str):
    attempt = own_attempt(attempt_id)
    return jsonify(
        service.check_practice(session, attempt, question_id, json_body().get("choices"), clock.now())
    )


@bp.post("/attempts/<int:attempt_id>/submit")
@require_role(*ATTEMPT_ROLES)
def attempt_submit(attempt_id: int):
    """The score and verdict; the per-question results (answers, explanations, handbook links) come with
    the attempt (GET) and the result page, once no exam of the person's is in progress."""
    attempt = own_attempt(attempt_id, for_update=True)  # locked once: the submit grades it in place
    now = clock.now()
    if attempt.is_submitted:  # a second submit returns the result (the same score, no answers)
        service.refuse_during_exam(session, attempt.person_id, now, service.ANSWERS_HIDDEN)
    else:
        service.submit(session, attempt, now, by=f"user:{current_user.id}", locked=True)
    return jsonify(service.score_json(attempt))
