"""The OpenAPI fragment of sign-in over JSON (webapp.auth.api)."""

from __future__ import annotations

from typing import Any

from webapp.infra.openapi import ERRORS, _error, json_body, json_response

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
                            "required": ["user", "csrf_token"],
                            "properties": {
                                "user": {"$ref": "#/components/schemas/User"},
                                "csrf_token": {
                                    "type": "string",
                                    "description": "之后用此会话的写请求（POST/PUT/DELETE）放在 X-CSRFToken 头中",
                                },
                            },
                        },
                    ),
                    "400": _error("请求体不是 JSON 对象"),
                    "401": _error("用户名或密码错误"),
                    "429": {
                        **_error("失败次数过多，稍后再试"),
                        "headers": {
                            "Retry-After": {"description": "多少秒后可再试", "schema": {"type": "integer"}}
                        },
                    },
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {"summary": "本文档", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}
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
                        {
                            "type": "object",
                            "required": ["user"],
                            "properties": {"user": {"$ref": "#/components/schemas/User"}},
                        },
                    ),
                    "401": ERRORS["401"],
                },
            }
        },
    },
    "components": {
        "schemas": {
            "User": {
                "type": "object",
                "required": ["id", "name", "roles"],
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
    },
}
