"""The posts' JSON API: one post, create, change, retire (the list is GET /api/v1/posts in webapp.exams.api)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.security import require_role, signed_in
from webapp.posts import service
from webapp.posts.blueprint import MANAGERS, bp, post_input


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_json", "请求体须是 JSON 对象")
    departments = body.get("departments", [])
    if not isinstance(departments, list):
        raise ApiError(400, "bad_post", "departments：须是部门编号的数组")
    return body


@bp.get("/api/v1/posts/<code>")
@signed_in
def api_post(code: str):
    post = service.usable_post(session, current_user.organisation_id, code)
    return jsonify(service.post_json(session, post))


@bp.post("/api/v1/posts")
@require_role(*MANAGERS)
def api_create():
    body = _body()
    post = service.create_post(
        session, current_user.organisation_id, post_input(body, departments=body.get("departments", []))
    )
    return jsonify(service.post_json(session, post)), 201


@bp.patch("/api/v1/posts/<code>")
@require_role(*MANAGERS)
def api_update(code: str):
    post = service.own_post(session, current_user.organisation_id, code)
    body = _body()
    merged = {**service.post_json(session, post), **body}
    merged["certificate"] = merged.get("certificate") or ""
    departments = body.get("departments")
    ids = departments if departments is not None else [d.id for d in service.departments_of(session, post)]
    service.update_post(session, post, post_input(merged, departments=ids))
    return jsonify(service.post_json(session, post))


@bp.post("/api/v1/posts/<code>/retire")
@require_role(*MANAGERS)
def api_retire(code: str):
    post = service.retire_post(
        session, service.own_post(session, current_user.organisation_id, code), clock.now()
    )
    return jsonify(service.post_json(session, post))
