"""The 法规标准库 endpoints' part of /api/v1/openapi.json (merged by webapp.infra.openapi)."""

from __future__ import annotations

from typing import Any

from quizbank.register import STATUSES
from webapp.infra.openapi import ERRORS, _error, json_body, json_response

_nullable_text = {"type": ["string", "null"]}
_date = {"type": ["string", "null"], "format": "date"}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/laws": {
            "get": {
                "summary": "本企业的法规标准库：内置题集附带的条目（可被本企业修改）和本企业自己的条目",
                "responses": {"200": json_response("法规标准库", "LawRegister"), **ERRORS},
            },
            "post": {
                "summary": "新增条目，或带 key 修改已有条目（如标为被替代并写明 replaced_by）；被废止/替代的条目所引的题目和手册小节即标为待复核",
                "requestBody": json_body("LawEntryInput"),
                "responses": {
                    "200": json_response("保存后的条目", "LawEntry"),
                    "400": _error("字段有误（消息写明哪一项），未保存"),
                    **{k: v for k, v in ERRORS.items() if k != "400"},
                },
            },
        },
        "/api/v1/laws/review": {
            "get": {
                "summary": "待复核：引用已废止或被替代文本、尚未复核确认的题目和手册小节",
                "responses": {"200": json_response("待复核清单", "LawReviewList"), **ERRORS},
            }
        },
    },
    "components": {
        "schemas": {
            "LawEntry": {
                "type": "object",
                "required": [
                    "key",
                    "number",
                    "title",
                    "issuer",
                    "status",
                    "effective",
                    "withdrawn",
                    "replaced_by",
                    "origin",
                ],
                "properties": {
                    "key": {"type": "string", "description": "文号，没有文号的法律为名称"},
                    "number": {"type": "string"},
                    "title": {"type": "string"},
                    "issuer": {"type": "string"},
                    "status": {"type": "string", "enum": list(STATUSES)},
                    "effective": _date,
                    "withdrawn": _date,
                    "replaced_by": _nullable_text,
                    "origin": {"type": "string", "enum": ["builtin", "changed", "own"]},
                },
            },
            "LawEntryInput": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "description": "要修改的条目；不填则新增"},
                    "number": {"type": "string"},
                    "title": {"type": "string"},
                    "issuer": {"type": "string"},
                    "status": {"type": "string", "enum": list(STATUSES)},
                    "effective": _date,
                    "withdrawn": _date,
                    "replaced_by": {"type": "string"},
                },
            },
            "LawRegister": {
                "type": "object",
                "required": ["entries"],
                "properties": {
                    "entries": {"type": "array", "items": {"$ref": "#/components/schemas/LawEntry"}}
                },
            },
            "LawReviewList": {
                "type": "object",
                "required": ["flagged"],
                "properties": {
                    "flagged": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "kind",
                                "subject",
                                "question_pk",
                                "set",
                                "cited",
                                "entry",
                                "status",
                                "replaced_by",
                                "message",
                            ],
                            "properties": {
                                "kind": {"type": "string", "enum": ["question", "section"]},
                                "subject": {"type": "string"},
                                "question_pk": {"type": ["integer", "null"]},
                                "set": {"type": "string"},
                                "cited": {"type": "string"},
                                "entry": {"type": "string"},
                                "status": {"type": "string", "enum": list(STATUSES)},
                                "replaced_by": _nullable_text,
                                "message": {"type": "string"},
                            },
                        },
                    }
                },
            },
        }
    },
}
