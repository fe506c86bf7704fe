"""The inspection, spot-test and standing JSON API (described in webapp.inspections.openapi)."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp.certs import service as certificates
from webapp.exams import service as exam_service
from webapp.exams.models import Attempt
from webapp.infra import clock
from webapp.infra.api import created, json_body
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.security import get_owned, require_role, scoped
from webapp.inspections import kiosk, reporting, voiding
from webapp.inspections import service as service
from webapp.inspections.blueprint import (
    READ,
    RUN,
    STANDING_READERS,
    bp,
    current_lock,
    inspection_of,
    kiosk_session_key,
    person_in,
    runnable,
)
from webapp.inspections.models import Inspection
from webapp.org.models import Department, Person, Post
from webapp.standing import service as standing_service


def inspection_json(inspection: Inspection) -> dict:
    current = reporting.report(session, inspection, clock.today())
    return {
        "id": inspection.id,
        "organisation_id": inspection.organisation_id,
        "department_id": inspection.department_id,
        "department": inspection.department.name,
        "inspector": inspection.inspector.display_name,
        "note": inspection.note,
        "opened_at": inspection.opened_at.isoformat(),
        "closed_at": inspection.closed_at.isoformat() if inspection.closed_at else None,
        "tally": current.tally,
        "spot_tests": [
            {
                "attempt_id": row.attempt.id,
                "person_id": row.person.id,
                "name": row.person.name,
                "employee_no": row.person.employee_no,
                "post": row.post.code,
                "state": row.state,
                "score": row.attempt.score,
                "max_score": row.attempt.max_score,
                "passed": row.attempt.passed,
                "void_reason": current.void_reasons.get(row.attempt.id),
            }
            for row in current.tested
        ],
        "findings": [
            {
                "id": f.id,
                "person_id": f.person_id,
                "name": f.person.name,
                "category": f.category,
                "note": f.note,
                "post": f.post_code,
            }
            for f in current.findings
        ],
        "owed": {
            str(person_id): [standing_service.standing_json(ps) for ps in standings]
            for person_id, standings in current.standings.items()
        },
    }


@bp.post("/api/v1/inspections")
@require_role(*RUN)
def api_open():
    data = json_body()
    department_id = data.get("department_id")
    if not isinstance(department_id, int) or isinstance(department_id, bool):
        raise ApiError(400, "bad_request", "department_id 必须是整数")
    note = data.get("note") or ""
    if not isinstance(note, str):
        raise ApiError(400, "bad_request", "note 必须是字符串")
    department = get_owned(Department, department_id)
    inspection = service.open_inspection(
        session, department=department, inspector=current_user, note=note, now=clock.now()
    )
    return created({"id": inspection.id}, url_for("inspections.api_show", inspection_id=inspection.id))


@bp.get("/api/v1/inspections/<int:inspection_id>")
@require_role(*READ)
def api_show(inspection_id: int):
    return jsonify(inspection_json(inspection_of(inspection_id)))


@bp.post("/api/v1/inspections/<int:inspection_id>/spot-tests")
@require_role(*RUN)
def api_spot_test(inspection_id: int):
    data = json_body()
    inspection = runnable(inspection_id)
    worker = person_in(inspection, data.get("person_id"))
    pin, post = data.get("pin"), data.get("post")
    if not isinstance(pin, str | int) or isinstance(pin, bool):
        raise ApiError(400, "bad_request", "pin 必须是字符串")
    if post is not None and not isinstance(post, str):
        raise ApiError(400, "bad_request", "post 必须是岗位代码")
    now = clock.now()
    attempt = kiosk.start_spot_test(
        session, inspection, worker, pin=str(pin), post_code=post, inspector=current_user,
        session_key=kiosk_session_key(), now=now,
    )  # fmt: skip
    return created(
        exam_service.attempt_json(session, attempt, now), url_for("api.attempt", attempt_id=attempt.id)
    )


@bp.post("/api/v1/inspections/kiosk/hand-back")
@require_role(*RUN)
def api_kiosk_end():
    """交还检查人员 through the API: the inspector's password (or own PIN) ends this session's kiosk state."""
    secret = json_body().get("secret")
    if not isinstance(secret, str):
        raise ApiError(400, "bad_request", "secret 必须是字符串")
    lock = current_lock()
    if lock is None:
        raise ApiError(409, "not_in_kiosk", "此会话不在抽考（平板交给作业人员）状态，无需交还。")
    kiosk.end(session, lock, current_user, secret, clock.now())
    return jsonify(
        {"inspection_id": lock.inspection_id, "person_id": lock.person_id, "attempt_id": lock.attempt_id}
    )


@bp.post("/api/v1/inspections/<int:inspection_id>/findings")
@require_role(*RUN)
def api_finding(inspection_id: int):
    data = json_body()
    inspection = runnable(inspection_id)
    worker = person_in(inspection, data.get("person_id"))
    for name in ("category", "note", "post"):
        if data.get(name) is not None and not isinstance(data.get(name), str):
            raise ApiError(400, "bad_request", f"{name} 必须是字符串")
    confirm = data.get("confirm", False)
    if not isinstance(confirm, bool):
        raise ApiError(400, "bad_request", "confirm 必须是 true 或 false")
    finding = service.record_finding(
        session, inspection, worker, category=data.get("category") or "", note=data.get("note") or "",
        post_code=data.get("post") or None, by=current_user, today=clock.today(), now=clock.now(),
        confirmed=confirm,
    )  # fmt: skip
    return created({"id": finding.id})


@bp.post("/api/v1/inspections/<int:inspection_id>/spot-tests/<int:attempt_id>/void")
@require_role(*RUN)
def api_void_spot_test(inspection_id: int, attempt_id: int):
    data = json_body()
    inspection = runnable(inspection_id)
    attempt = get_owned(Attempt, attempt_id)
    if attempt.inspection_id != inspection.id:  # not this inspection's spot test: not confirmed to exist
        raise ApiError(404, "not_found", "没有找到这次抽考")
    reason = data.get("reason")
    if not isinstance(reason, str):
        raise ApiError(400, "bad_request", "reason 必须是字符串")
    voiding.void_spot_test(session, inspection, attempt, reason=reason, by=current_user, now=clock.now())
    return jsonify(inspection_json(inspection))


@bp.post("/api/v1/inspections/<int:inspection_id>/close")
@require_role(*RUN)
def api_close(inspection_id: int):
    inspection = runnable(inspection_id)
    service.close_inspection(session, inspection, clock.now())
    return jsonify(inspection_json(inspection))


@bp.get("/api/v1/people/<int:person_id>/standing")
@require_role(*STANDING_READERS)
def api_standing(person_id: int):
    worker = get_owned(Person, person_id)
    code = request.args.get("post") or None
    posts = standing_service.posts_of(session, [worker.id])[worker.id]
    if code:
        post = session.scalar(scoped(select(Post), Post).where(Post.code == code))
        if post is None:
            raise ApiError(404, "unknown_post", f"没有岗位 {code!r}")
    elif posts:
        post = posts[0]
    else:
        raise ApiError(409, "no_post", "该人员没有登记岗位，请用 ?post=岗位代码 指定。")
    ps = standing_service.standing_of(session, worker, post)
    return jsonify(standing_service.standing_json(ps, certificates.certificates_json(session, ps)))
