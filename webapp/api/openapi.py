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


_ATTEMPT_ID = {"name": "attempt_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_QUESTION_ID = {"name": "question_id", "in": "path", "required": True, "schema": {"type": "string"}}
_CHOICES = json_body(
    {
        "type": "object",
        "required": ["choices"],
        "properties": {"choices": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
    }
)
_CLOSED = _error("已交卷或已过截止时间，答案未保存")
_IN_PROGRESS = "exam_in_progress：考试进行中（本人有未交卷且未过截止时间的考试或抽考），交卷后可查看答案"

OPENAPI["paths"].update(
    {
        "/api/v1/question-sets": {
            "get": {
                "summary": "可见的题库（内置与本企业导入）",
                "responses": {
                    "200": json_response(
                        "题库", {"type": "array", "items": {"$ref": "#/components/schemas/QuestionSetInfo"}}
                    )
                },
            }
        },
        "/api/v1/posts": {
            "get": {
                "summary": "岗位",
                "responses": {
                    "200": json_response(
                        "岗位", {"type": "array", "items": {"$ref": "#/components/schemas/Post"}}
                    )
                },
            }
        },
        "/api/v1/exams": {
            "get": {
                "summary": "当前作业人员被安排、正在开放且尚未通过的考试",
                "responses": {
                    "200": json_response(
                        "考试", {"type": "array", "items": {"$ref": "#/components/schemas/Exam"}}
                    ),
                    "403": ERRORS["403"],
                },
            }
        },
        "/api/v1/attempts": {
            "post": {
                "summary": "开始（或继续）一场考试，或开始练习；返回试卷，不含答案与解析",
                "requestBody": json_body(
                    {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["exam_id"],
                                "properties": {"exam_id": {"type": "integer"}},
                            },
                            {
                                "type": "object",
                                "required": ["practice"],
                                "properties": {
                                    "practice": {
                                        "type": "object",
                                        "required": ["post"],
                                        "properties": {
                                            "post": {"type": "string"},
                                            "section": {"type": "string"},
                                            "wrong": {"type": "boolean", "description": "只练错题本中的题"},
                                        },
                                    }
                                },
                            },
                        ]
                    }
                ),
                "responses": {
                    "201": json_response("试卷", "Attempt"),
                    "400": ERRORS["400"],
                    "403": _error("未安排给本人或不在考试时间内；练习：不是本人岗位"),
                    "404": _error(
                        "考试不存在或不属于本企业；练习：unknown_post 没有该岗位，unknown_section 没有该手册章节"
                    ),
                    "409": _error(
                        "已参加过，或题库不足；练习：nothing_to_practise 该章节（或错题本）没有本岗位的题目，"
                        + _IN_PROGRESS
                    ),
                },
            }
        },
        "/api/v1/attempts/{attempt_id}": {
            "get": {
                "summary": "试卷与已保存的答案；交卷后含成绩。过了截止时间读取即按已保存答案评分",
                "parameters": [_ATTEMPT_ID],
                "responses": {
                    "200": json_response("试卷", "Attempt"),
                    "404": ERRORS["404"],
                    "409": _error("已交卷的试卷（成绩含答案）：" + _IN_PROGRESS),
                },
            }
        },
        "/api/v1/attempts/{attempt_id}/responses/{question_id}": {
            "put": {
                "summary": "保存一题的答案（幂等；空列表表示清除）",
                "parameters": [_ATTEMPT_ID, _QUESTION_ID],
                "requestBody": _CHOICES,
                "responses": {
                    "204": {"description": "已保存"},
                    "400": ERRORS["400"],
                    "404": ERRORS["404"],
                    "409": _CLOSED,
                },
            }
        },
        "/api/v1/attempts/{attempt_id}/responses/{question_id}/check": {
            "post": {
                "summary": "仅练习：保存并立即判断对错，返回正确答案与解析",
                "parameters": [_ATTEMPT_ID, _QUESTION_ID],
                "requestBody": _CHOICES,
                "responses": {
                    "200": json_response("判定", "ItemResult"),
                    "403": _error("不是练习"),
                    "404": ERRORS["404"],
                    "409": _error("attempt_closed：本次练习已结束；" + _IN_PROGRESS),
                },
            }
        },
        "/api/v1/attempts/{attempt_id}/submit": {
            "post": {
                "summary": "交卷并评分；再次交卷返回同一成绩。本人另有考试进行中时，成绩不含逐题结果（results）",
                "parameters": [_ATTEMPT_ID],
                "responses": {
                    "200": json_response("成绩", "Result"),
                    "404": ERRORS["404"],
                    "409": _error("再次交卷（成绩含答案）：" + _IN_PROGRESS),
                },
            }
        },
    }
)

OPENAPI["components"]["schemas"].update(
    {
        "QuestionSetInfo": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "key": {"type": "string"},
                "title": {"type": "string"},
                "version": {"type": "string"},
                "origin": {"type": "string", "enum": ["plugin", "import"]},
                "posts": {"type": "array", "items": {"type": "string"}},
                "questions": {"type": "integer"},
            },
        },
        "Post": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "risk": {"type": "string", "enum": ["high", "normal"]},
                "special_operation": {"type": "boolean"},
            },
        },
        "Exam": {
            "type": "object",
            "required": ["id", "title", "post", "kind", "opens", "closes"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "post": {"type": "string"},
                "post_name": {"type": "string"},
                "kind": {"type": "string"},
                "opens": {"type": "string", "format": "date-time"},
                "closes": {"type": "string", "format": "date-time"},
                "attempt": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "submitted": {"type": "boolean"},
                        "passed": {"type": ["boolean", "null"]},
                    },
                },
            },
        },
        "Attempt": {
            "type": "object",
            "required": ["id", "kind", "deadline", "questions"],
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string"},
                "title": {"type": "string"},
                "post": {"type": "string"},
                "deadline": {"type": ["string", "null"], "format": "date-time"},
                "server_now": {"type": "string", "format": "date-time"},
                "submitted": {"type": "boolean"},
                "questions": {
                    "type": "array",
                    "description": "试卷上的题目，按作答顺序；不含答案与解析",
                    "items": {
                        "type": "object",
                        "required": ["id", "type", "stem", "options"],
                        "additionalProperties": False,
                        "properties": {
                            "id": {"type": "string"},
                            "type": {"type": "string", "enum": ["single", "multiple", "truefalse"]},
                            "stem": {"type": "string"},
                            "options": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
                "responses": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "integer"}},
                },
                "result": {"$ref": "#/components/schemas/Result"},
            },
        },
        "ItemResult": {
            "type": "object",
            "properties": {
                "question_id": {"type": "string"},
                "correct": {"type": "boolean"},
                "chosen": {"type": "array", "items": {"type": "integer"}},
                "answer": {"type": "array", "items": {"type": "integer"}},
                "points": {"type": "number"},
                "max_points": {"type": "number"},
                "explanation": {"type": "string"},
                "section": {"type": ["string", "null"]},
                "section_url": {"type": ["string", "null"]},
            },
        },
        "Result": {
            "type": "object",
            "required": ["score", "max_score", "passed"],
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number"},
                "pass_score": {"type": "number"},
                "passed": {"type": "boolean"},
                "percent": {"type": "number"},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/ItemResult"}},
            },
        },
    }
)
