"""The certificate endpoints' part of /api/v1/openapi.json (merged by webapp.infra.openapi)."""

from __future__ import annotations

from typing import Any

from webapp.infra.openapi import ERRORS, _error, json_response

_within = {
    "name": "within",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "enum": [30, 60, 90]},
    "description": "今天起若干天内到期（或到复审日）",
}
_status = {
    "name": "status",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["valid", "expiring", "suspended", "revoked", "expired"]},
}
_token = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
_id = {"name": "cert_id", "in": "path", "required": True, "schema": {"type": "integer"}}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/certificates/verify/{token}": {
            "get": {
                "summary": "核验合格证二维码令牌（公开）：实时状态、脱敏持证人、岗位、有效期",
                "security": [],
                "parameters": [_token],
                "responses": {
                    "200": json_response("合格证", "CertificateVerification"),
                    "400": _error("令牌签名不符或格式错误（被篡改或伪造）"),
                    "404": _error("签名有效但没有这张合格证的记录"),
                },
            }
        },
        "/api/v1/certificates/public-key": {
            "get": {
                "summary": "签发合格证令牌的 Ed25519 公钥（PEM），用于离线核验（quizbank certs verify）",
                "security": [],
                "responses": {"200": {"description": "PEM", "content": {"application/x-pem-file": {}}}},
            }
        },
        "/api/v1/certificates": {
            "get": {
                "summary": "本单位（及检查授权单位）的合格证及实时状态；每人每岗位只列最新一张",
                "parameters": [_status, _within],
                "responses": {
                    "200": json_response(
                        "合格证列表",
                        {
                            "type": "array",
                            "items": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/CertificateVerification"},
                                    {
                                        "type": "object",
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "person_id": {"type": "integer"},
                                            "holder": {
                                                "type": "string",
                                                "description": "全名（仅本单位人员可见）",
                                            },
                                            "employee_no": {"type": "string"},
                                            "url": {"type": "string", "format": "uri"},
                                        },
                                    },
                                ]
                            },
                        },
                    ),
                    **{k: ERRORS[k] for k in ("400", "401", "403")},
                },
            }
        },
        **{
            f"/api/v1/certificates/{{cert_id}}/{action}": {
                "post": {
                    "summary": f"{name}合格证（须填写原因；记录操作人）",
                    "parameters": [_id],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["reason"],
                                    "properties": {"reason": {"type": "string", "maxLength": 200}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": json_response("变更后的状态", "CertificateVerification"),
                        "409": _error("已吊销，或未被人工暂停（恢复时）"),
                        **ERRORS,
                    },
                }
            }
            for action, name in (("suspend", "暂停"), ("revoke", "吊销"), ("reinstate", "恢复"))
        },
        "/api/v1/special-certificates": {
            "get": {
                "summary": "特种作业操作证：今天起若干天内应复审或到期的（含已逾期）",
                "parameters": [_within],
                "responses": {
                    "200": json_response(
                        "操作证列表",
                        {"type": "array", "items": {"$ref": "#/components/schemas/SpecialCertificateDue"}},
                    ),
                    **{k: ERRORS[k] for k in ("400", "401", "403")},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "CertificateVerification": {
                "type": "object",
                "required": ["status", "holder", "post", "expires"],
                "properties": {
                    "status": {
                        "type": "string",
                        "enum": ["valid", "expiring", "suspended", "revoked", "expired"],
                    },
                    "status_name": {
                        "type": "string",
                        "examples": ["有效", "即将到期", "暂停", "已吊销", "已过期"],
                    },
                    "reason": {"type": ["string", "null"], "description": "暂停、吊销、过期或即将到期的原因"},
                    "holder": {"type": "string", "description": "脱敏姓名，如 张*三；不含身份证号"},
                    "post": {"type": "string"},
                    "post_name": {"type": "string"},
                    "serial": {"type": "string", "examples": ["QB-2026-000123"]},
                    "kind": {"type": "string", "enum": ["qualification", "retraining"]},
                    "issued": {"type": "string", "format": "date"},
                    "expires": {"type": "string", "format": "date"},
                    "organisation": {"type": "string"},
                },
            },
            "SpecialCertificateDue": {
                "type": "object",
                "properties": {
                    "person_id": {"type": "integer"},
                    "holder": {"type": "string"},
                    "employee_no": {"type": "string"},
                    "number": {"type": "string"},
                    "kind": {"type": "string"},
                    "post": {"type": ["string", "null"]},
                    "issued": {"type": "string", "format": "date"},
                    "review_due": {"type": "string", "format": "date"},
                    "expires": {"type": "string", "format": "date"},
                    "document": {"type": "string", "enum": ["special_operation", "special_equipment"]},
                    "document_name": {"type": "string"},
                    "regime": {"type": "string", "enum": ["mem30", "mem19", "tsg_z6001"]},
                    "next": {
                        "type": "string",
                        "enum": ["review", "expiry", "renewal", "review_overdue", "expired"],
                    },
                    "next_name": {"type": "string"},
                    "due": {"type": "string", "format": "date"},
                    "days_left": {"type": "integer"},
                },
            },
        }
    },
}
