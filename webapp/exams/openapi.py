"""The OpenAPI fragment of the exam API (webapp.exams.api): question sets, posts, exams, attempts."""

from __future__ import annotations

from typing import Any

from webapp.infra.openapi import ERRORS, _error, json_body, json_response

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

OPENAPI: dict[str, Any] = {"paths": {}, "components": {"schemas": {}}}

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
