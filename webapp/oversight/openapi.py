"""The regulator's overview endpoint's part of /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from webapp.oversight.api import FIGURES


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_SHARE = {"type": ["number", "null"], "description": "百分比（0–100，一位小数）；分母为 0 时为 null"}
_DATE = {"type": "string", "format": "date"}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/oversight/enterprises": {
            "get": {
                "summary": "辖区总览（监管人员）：辖区内各企业的汇总数字与建议优先检查的企业",
                "parameters": [
                    {
                        "name": "from",
                        "in": "query",
                        "schema": _DATE,
                        "description": "统计期间起（含），默认当年 1 月 1 日",
                    },
                    {
                        "name": "to",
                        "in": "query",
                        "schema": _DATE,
                        "description": "统计期间止（含），默认今天",
                    },
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "企业名称包含"},
                    {
                        "name": "flagged",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["", "1"]},
                        "description": "1：只看需关注的企业",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "各企业的汇总数字（不含人员）",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Oversight"}}
                        },
                    },
                    "400": _error("日期不对"),
                    "401": _error("未登录"),
                    "403": _error("无权限（需要监管人员）"),
                },
            }
        }
    },
    "components": {
        "schemas": {
            "OversightEnterprise": {
                "type": "object",
                "required": ["id", "name", "high_risk", *FIGURES, "posts"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "high_risk": {"type": "boolean"},
                    **{
                        k: (_SHARE if k.endswith(("share", "rate")) else {"type": "integer"}) for k in FIGURES
                    },
                    "posts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["code", "name", "people", "handbook"],
                            "properties": {
                                "code": {"type": "string"},
                                "name": {"type": "string"},
                                "people": {"type": "integer"},
                                "handbook": {
                                    "type": ["object", "null"],
                                    "properties": {
                                        "title": {"type": "string"},
                                        "version": {"type": "string"},
                                        "published_on": {"type": ["string", "null"], "format": "date"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
            "Oversight": {
                "type": "object",
                "required": ["from", "to", "enterprises", "visits"],
                "properties": {
                    "from": _DATE,
                    "to": _DATE,
                    "enterprises": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/OversightEnterprise"},
                    },
                    "visits": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name", "score", "reasons"],
                            "properties": {
                                "id": {"type": "integer"},
                                "name": {"type": "string"},
                                "score": {"type": "integer"},
                                "reasons": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        }
    },
}
