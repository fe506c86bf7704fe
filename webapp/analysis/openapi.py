"""The 试题分析 endpoints' part of /api/v1/openapi.json (merged by webapp.infra.openapi)."""

from __future__ import annotations

from typing import Any

from webapp.infra.openapi import ERRORS, json_response

_filters = [
    {
        "name": "post",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "岗位代码",
    },
    {"name": "department", "in": "query", "required": False, "schema": {"type": "integer"}},
    {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
]
_missed = {
    "type": "object",
    "required": ["key", "label", "asked", "wrong", "wrong_share"],
    "properties": {
        "key": {"type": ["string", "null"]},
        "label": {"type": "string"},
        "asked": {"type": "integer"},
        "wrong": {"type": "integer"},
        "wrong_share": {"type": "number"},
    },
}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/analysis/questions": {
            "get": {
                "summary": "试题分析：每道题的抽中次数、难度（答对率）、区分度（点二列相关）、选项选择比例和标记",
                "parameters": _filters,
                "responses": {"200": json_response("每题统计", "QuestionAnalysis"), **ERRORS},
            }
        },
        "/api/v1/analysis/briefing": {
            "get": {
                "summary": "班前会清单：近 30 天（或 from/to）答错最多的题目和手册章节",
                "parameters": _filters,
                "responses": {"200": json_response("易错题和易错章节", "Briefing"), **ERRORS},
            }
        },
    },
    "components": {
        "schemas": {
            "QuestionAnalysis": {
                "type": "object",
                "required": ["questions"],
                "properties": {
                    "questions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "question_pk",
                                "question_id",
                                "type",
                                "stem",
                                "drawn",
                                "answered",
                                "right",
                                "difficulty",
                                "discrimination",
                                "option_shares",
                                "flags",
                            ],
                            "properties": {
                                "question_pk": {"type": "integer"},
                                "question_id": {"type": "string"},
                                "type": {"type": "string"},
                                "stem": {"type": "string"},
                                "drawn": {"type": "integer"},
                                "answered": {"type": "integer"},
                                "right": {"type": "integer"},
                                "difficulty": {"type": "number", "description": "答对率 0–1"},
                                "discrimination": {"type": ["number", "null"]},
                                "option_shares": {"type": "array", "items": {"type": "number"}},
                                "flags": {
                                    "type": "array",
                                    "items": {
                                        "type": "string",
                                        "enum": ["nobody_right", "negative_discrimination"],
                                    },
                                },
                            },
                        },
                    }
                },
            },
            "Briefing": {
                "type": "object",
                "required": ["questions", "sections"],
                "properties": {
                    "questions": {"type": "array", "items": _missed},
                    "sections": {"type": "array", "items": _missed},
                },
            },
        }
    },
}
