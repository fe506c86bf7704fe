"""The posts endpoints' part of /api/v1/openapi.json (merged by webapp.infra.openapi)."""

from __future__ import annotations

from typing import Any

from webapp.infra.openapi import ERRORS, _error, json_body, json_response

_code = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
_taken = _error(
    "岗位代码已被本单位或内置岗位使用（post_code_taken），或岗位已在使用不能改代码（post_in_use）"
)

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/posts/{code}": {
            "get": {
                "summary": "一个岗位（本单位或内置）：风险等级、特种作业类别、所在部门、是否停用",
                "parameters": [_code],
                "responses": {"200": json_response("岗位", "ManagedPost"), **ERRORS},
            },
            "patch": {
                "summary": "修改本单位岗位：名称、代码（未使用时）、风险等级、特种作业类别、所在部门",
                "parameters": [_code],
                "requestBody": json_body("PostInput"),
                "responses": {"200": json_response("岗位", "ManagedPost"), **ERRORS, "409": _taken},
            },
        },
        "/api/v1/posts/{code}/retire": {
            "post": {
                "summary": "停用本单位岗位（保留历史，不再用于新人员、导入和考试）",
                "parameters": [_code],
                "responses": {"200": json_response("岗位", "ManagedPost"), **ERRORS},
            }
        },
    },
    "components": {
        "schemas": {
            "PostInput": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"},
                    "name": {"type": "string", "maxLength": 100},
                    "risk": {"type": "string", "enum": ["normal", "high"]},
                    "certificate": {
                        "type": ["string", "null"],
                        "enum": ["", "special_operation", "special_equipment", None],
                        "description": "所需外部证件：特种作业操作证 / 特种设备作业人员证；空为非特种岗位",
                    },
                    "certificate_kind": {
                        "type": "string",
                        "description": "作业类别（项目），如 低压电工作业、N1",
                    },
                    "departments": {"type": "array", "items": {"type": "integer"}},
                },
            },
            "ManagedPost": {
                "type": "object",
                "required": ["code", "name", "risk", "builtin", "retired"],
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "risk": {"type": "string", "enum": ["normal", "high"]},
                    "special_operation": {"type": "boolean"},
                    "certificate": {"type": ["string", "null"]},
                    "certificate_name": {"type": ["string", "null"]},
                    "certificate_kind": {"type": ["string", "null"]},
                    "builtin": {"type": "boolean"},
                    "retired": {"type": "boolean"},
                    "merged_into": {"type": ["string", "null"]},
                    "departments": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
# POST /api/v1/posts (create) shares its path with GET /api/v1/posts of webapp.exams.openapi: build_document
# merges operations of one path from several fragments.
OPENAPI["paths"]["/api/v1/posts"] = {
    "post": {
        "summary": "新建本单位岗位（代码在本单位内唯一，且不与内置岗位重复）",
        "requestBody": json_body("PostInput"),
        "responses": {"201": json_response("新岗位", "ManagedPost"), **ERRORS, "409": _taken},
    }
}
