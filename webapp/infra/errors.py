"""Errors: JSON ``{"error": {"code", "message"}}`` under /api/, a Chinese page elsewhere."""

from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "您没有权限访问此页面",
    404: "没有找到",
    405: "不支持的请求方式",
    409: "状态冲突",
    413: "上传的文件过大",
    429: "请求过于频繁",
    500: "服务器出错，请稍后再试",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


class ApiError(HTTPException):
    """Raise ApiError(409, "submitted", "已交卷") anywhere; it becomes the right JSON or page (with a
    Retry-After header when `retry_after` seconds are given, e.g. for a 429)."""

    def __init__(self, status: int, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code
        self.retry_after = retry_after


def error_response(status: int, code: str, message: str | None):
    message = (
        message if message and not message.startswith(("The ", "You ")) else MESSAGES.get(status, "出错了")
    )
    if wants_json():
        response = jsonify(error={"code": code, "message": message})
        response.status_code = status
        return response
    return render_template("error.html", status=status, message=message), status
