"""The archive endpoints' part of /api/v1/openapi.json (merged by webapp.infra.openapi)."""

from __future__ import annotations

from typing import Any

from webapp.infra.openapi import ERRORS, json_response

_PERSON = {"name": "person_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_NUM = {"type": "number"}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/people/{person_id}/archive": {
            "get": {
                "summary": "一人一档（JSON）：本人可看自己的；培训管理员、人事/安全科、管理员及获授权的检查人员可看本企业的",
                "parameters": [_PERSON],
                "responses": {
                    "200": json_response("档案", "PersonArchive"),
                    **{k: ERRORS[k] for k in ("401", "403", "404")},
                },
            }
        },
        "/api/v1/people/{person_id}/archive.pdf": {
            "get": {
                "summary": "一人一档 PDF（A4，分页，含三级安全教育卡与签字栏）",
                "parameters": [_PERSON],
                "responses": {
                    "200": {
                        "description": "PDF",
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                    },
                    **{k: ERRORS[k] for k in ("401", "403", "404")},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "PersonArchive": {
                "type": "object",
                "required": [
                    "person",
                    "on",
                    "may_work",
                    "total_hours",
                    "identity",
                    "hours_by_year",
                    "hours_owed",
                    "sections",
                ],
                "properties": {
                    "person": {
                        "type": "object",
                        "required": ["name", "employee_no"],
                        "properties": {"name": {"type": "string"}, "employee_no": {"type": "string"}},
                    },
                    "on": {"type": "string", "format": "date"},
                    "may_work": {"type": "boolean", "description": "今天至少一个岗位可以上岗"},
                    "total_hours": _NUM,
                    "identity": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["field", "value"],
                            "properties": {"field": {"type": "string"}, "value": {"type": "string"}},
                        },
                    },
                    "hours_by_year": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["year", "hours", "total"],
                            "properties": {
                                "year": {"type": "integer"},
                                "hours": {
                                    "type": "object",
                                    "additionalProperties": _NUM,
                                    "description": "按类别：factory/workshop/team/periodic/offduty",
                                },
                                "total": _NUM,
                            },
                        },
                    },
                    "hours_owed": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["year", "required", "recorded", "short", "lines"],
                            "properties": {
                                "year": {"type": "integer"},
                                "required": _NUM,
                                "recorded": _NUM,
                                "short": _NUM,
                                "lines": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    },
                    "sections": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["title", "headers", "rows"],
                            "properties": {
                                "title": {"type": "string"},
                                "headers": {"type": "array", "items": {"type": "string"}},
                                "rows": {
                                    "type": "array",
                                    "items": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                        },
                    },
                },
            }
        }
    },
}
