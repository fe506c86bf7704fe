"""The dashboard and exam-roster endpoints' part of /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from webapp.infra.openapi import ERRORS, json_response

_LINE = {
    "type": "object",
    "required": ["person_id", "name", "employee_no", "post", "status", "reasons"],
    "properties": {
        "person_id": {"type": "integer"},
        "name": {"type": "string"},
        "employee_no": {"type": "string"},
        "post": {"type": "string"},
        "status": {"type": "string"},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "due": {"type": ["string", "null"], "format": "date"},
        "age_days": {"type": ["integer", "null"], "description": "复训积压：立案至今的天数"},
    },
}
_LIST = {"type": "array", "items": {"$ref": "#/components/schemas/DashboardLine"}}
_DENIED = {k: ERRORS[k] for k in ("401", "403")}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/dashboard": {
            "get": {
                "summary": "本企业今日看板（人事/安全科、培训管理员、管理员）：今日不得上岗、待补考、逾期、复训积压、证书到期、本月考试",
                "responses": {"200": json_response("看板", "Dashboard"), **_DENIED},
            }
        },
        "/api/v1/exams/{exam_id}/roster": {
            "get": {
                "summary": "考试名单：应考者及是否参考、是否通过、缺考",
                "parameters": [
                    {"name": "exam_id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"200": json_response("名单", "ExamRoster"), **_DENIED, "404": ERRORS["404"]},
            }
        },
    },
    "components": {
        "schemas": {
            "DashboardLine": _LINE,
            "Dashboard": {
                "type": "object",
                "required": [
                    "on",
                    "people",
                    "may_work_today",
                    "barred",
                    "makeup_due",
                    "overdue",
                    "retraining_backlog",
                    "expiring",
                    "month_exams",
                ],  # fmt: skip
                "properties": {
                    "on": {"type": "string", "format": "date"},
                    "people": {"type": "integer", "description": "在职人数"},
                    "may_work_today": {"type": "integer", "description": "所有岗位今日均可上岗的人数"},
                    "barred": _LIST,
                    "makeup_due": _LIST,
                    "overdue": _LIST,
                    "retraining_backlog": _LIST,
                    "expiring": {
                        "type": "object",
                        "description": "30/60/90 天内到期或须复审的合格证与特种作业证数",
                        "additionalProperties": {"type": "integer"},
                    },
                    "expiring_certificates": {"type": "array", "items": {"type": "object"}},
                    "month_exams": {
                        "type": "object",
                        "required": ["due", "sat", "no_show", "passed"],
                        "properties": {k: {"type": "integer"} for k in ("due", "sat", "no_show", "passed")},
                    },
                },
            },
            "ExamRoster": {
                "type": "object",
                "required": ["exam", "rows"],
                "properties": {
                    "exam": {"type": "object"},
                    "rows": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "person_id",
                                "name",
                                "employee_no",
                                "state",
                                "attempts",
                                "score",
                                "passed",
                            ],
                            "properties": {
                                "person_id": {"type": "integer"},
                                "name": {"type": "string"},
                                "employee_no": {"type": "string"},
                                "state": {
                                    "type": "string",
                                    "enum": ["passed", "failed", "no_show", "pending"],
                                },
                                "attempts": {"type": "integer"},
                                "score": {"type": ["number", "null"]},
                                "passed": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        }
    },
}
