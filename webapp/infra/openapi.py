"""The OpenAPI document: helpers for a feature's fragment (``OPENAPI = {"paths": …, "components": …}`` beside
its api.py), the parts every document shares, and the assembly of every registered module's fragment."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def json_body(schema: dict | str) -> dict:
    if isinstance(schema, str):
        schema = {"$ref": f"#/components/schemas/{schema}"}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def json_response(description: str, schema: dict | str) -> dict:
    if isinstance(schema, str):
        schema = {"$ref": f"#/components/schemas/{schema}"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _error("请求有误（请求体不是 JSON 对象、参数或编号不对、缺少 CSRF 令牌）"),
    "401": _error("未登录"),
    "403": _error("无权限"),
    "404": _error("不存在或不属于本企业"),
}
COMMON: dict[str, Any] = {
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }
                },
            },
        },
        "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            "bearer": {"type": "http", "scheme": "bearer"},
        },
    },
}


def build_document(modules: Iterable[Any]) -> dict:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "quizbank API", "version": "1"},
        "security": [{"session": []}, {"bearer": []}],
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
    }
    for module in modules:
        part = getattr(module, "OPENAPI", None)
        if not part:
            continue
        for path, ops in part.get("paths", {}).items():
            doc["paths"].setdefault(path, {}).update(copy.deepcopy(ops))
        for key, items in part.get("components", {}).items():
            doc["components"].setdefault(key, {}).update(copy.deepcopy(items))
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            _answers_every_operation_gives(path, method, op)
    return doc


def _answers_every_operation_gives(path: str, method: str, op: dict) -> None:
    """What the shared machinery answers for any operation, documented once here rather than per fragment:
    401 and 403 wherever a sign-in is needed (no or a wrong role), 404 for an id in the path that is missing
    or out of range, 400 for a malformed body, parameter or id (webapp.infra.bounds)."""
    responses = op.setdefault("responses", {})
    if op.get("security") != []:
        responses.setdefault("401", copy.deepcopy(ERRORS["401"]))
        responses.setdefault("403", copy.deepcopy(ERRORS["403"]))
    if "{" in path:
        responses.setdefault("404", copy.deepcopy(ERRORS["404"]))
    if (
        "{" in path
        or op.get("parameters")
        or op.get("requestBody")
        or method in ("post", "put", "patch", "delete")
    ):
        responses.setdefault("400", copy.deepcopy(ERRORS["400"]))


def merged(parts: Iterable[dict]) -> dict[str, Any]:
    """One fragment holding the paths and components of `parts`, in order."""
    out: dict[str, Any] = {"paths": {}, "components": {}}
    for part in parts:
        out["paths"].update(part.get("paths", {}))
        for key, items in part.get("components", {}).items():
            out["components"].setdefault(key, {}).update(items)
    return out
