"""The handbook endpoints' part of /api/v1/openapi.json (merged by webapp.infra.openapi)."""

from __future__ import annotations

from typing import Any

from webapp.infra.openapi import ERRORS, _error, json_body, json_response

_code = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "岗位代码；_general 为本单位通用知识部分",
}
_section = {
    "type": "object",
    "required": ["id", "title"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"},
        "title": {"type": "string"},
        "body": {"type": "string", "description": "Markdown"},
    },
}
_version = {
    "type": "object",
    "properties": {
        "number": {"type": "integer"},
        "title": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time"},
        "published_by": {"type": "string"},
        "note": {"type": "string"},
        "changes": {"type": "object"},
    },
}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/handbooks/{code}": {
            "get": {
                "summary": "本单位手册的一个部分（通用知识或岗位专业知识）：各版本修订记录与现行版本的章节",
                "parameters": [_code],
                "responses": {"200": json_response("手册", "HandbookPart"), **ERRORS},
            }
        },
        "/api/v1/handbooks/{code}/draft": {
            "get": {
                "summary": "草稿章节（仅培训管理员）",
                "parameters": [_code],
                "responses": {"200": json_response("草稿", "HandbookDraft"), **ERRORS},
            },
            "put": {
                "summary": "整体替换草稿章节；章节编号须唯一，仍被题目引用的章节不能删去",
                "parameters": [_code],
                "requestBody": json_body("HandbookDraft"),
                "responses": {
                    "200": json_response("草稿", "HandbookDraft"),
                    **ERRORS,
                    "409": _error("删去的章节仍被题目引用（section_cited）"),
                },
            },
        },
        "/api/v1/handbooks/{code}/publish": {
            "post": {
                "summary": "发布草稿为新版本（修订记录：发布人、时间、修订说明、变更章节）",
                "parameters": [_code],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"note": {"type": "string"}}}
                        }
                    },
                },
                "responses": {
                    "201": json_response("新版本", _version),
                    **ERRORS,
                    "409": _error("删去的章节仍被题目引用（section_cited）"),
                },
            }
        },
        "/api/v1/handbooks/{code}/coverage": {
            "get": {
                "summary": "题库覆盖矩阵：章节 × 题型的题数，标出无题或少于组卷所需的章节",
                "parameters": [_code],
                "responses": {"200": json_response("覆盖矩阵", {"type": "object"}), **ERRORS},
            }
        },
    },
    "components": {
        "schemas": {
            "HandbookDraft": {
                "type": "object",
                "required": ["sections"],
                "properties": {"sections": {"type": "array", "items": _section}},
            },
            "HandbookPart": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "part": {"type": "string", "enum": ["general", "professional"]},
                    "versions": {"type": "array", "items": _version},
                    "current": {
                        "oneOf": [
                            {"type": "null"},
                            {
                                "allOf": [
                                    _version,
                                    {
                                        "type": "object",
                                        "properties": {"sections": {"type": "array", "items": _section}},
                                    },
                                ]
                            },
                        ]
                    },
                },
            },
        }
    },
}
