from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from webapp.infra.errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "请求体必须是 JSON 对象（Content-Type: application/json）")
    return data


def created(body: dict | str, location: str | None = None) -> Response:
    """201 with `body` as JSON (a str: encoded already) and, when given, the new resource's Location."""
    response = Response(body, mimetype="application/json") if isinstance(body, str) else jsonify(body)
    response.status_code = 201
    if location is not None:
        response.headers["Location"] = location
    return response
