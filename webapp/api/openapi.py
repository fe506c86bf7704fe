"""The OpenAPI document: this blueprint's part, merged with every other module's ``OPENAPI`` dict."""

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
    "400": _error("请求有误（含缺少 CSRF 令牌）"),
    "401": _error("未登录"),
    "403": _error("无权限"),
    "404": _error("不存在或不属于本企业"),
}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/login": {
            "post": {
                "summary": "用户名密码登录；返回用户与 CSRF 令牌",
                "security": [],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                    }
                ),
                "responses": {
                    "200": json_response(
                        "已登录",
                        {
                            "type": "object",
                            "properties": {
                                "user": {"$ref": "#/components/schemas/User"},
                                "csrf_token": {"type": "string"},
                            },
                        },
                    ),
                    "401": _error("用户名或密码错误"),
                    "429": _error("失败次数过多，稍后再试"),
                },
            }
        },
        "/api/v1/logout": {"post": {"summary": "退出登录", "responses": {"204": {"description": "已退出"}}}},
        "/api/v1/csrf-token": {
            "get": {
                "summary": "当前会话的 CSRF 令牌（写请求放在 X-CSRFToken 头中）",
                "security": [],
                "responses": {
                    "200": json_response(
                        "令牌", {"type": "object", "properties": {"csrf_token": {"type": "string"}}}
                    )
                },
            }
        },
        "/api/v1/me": {
            "get": {
                "summary": "当前用户",
                "responses": {
                    "200": json_response(
                        "当前用户",
                        {"type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"}}},
                    ),
                    "401": ERRORS["401"],
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }
                },
            },
            "User": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "username": {"type": "string"},
                    "roles": {
                        "type": "array",
                        "items": {
                            "type": "string",
                            "enum": ["worker", "trainer", "inspector", "hr", "admin"],
                        },
                    },
                    "organisation_id": {"type": "integer"},
                    "person_id": {"type": ["integer", "null"]},
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
    return doc
