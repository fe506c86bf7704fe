"""OpenAPI entries for the inspection, spot-test and standing endpoints (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any, get_args

from quizbank.rules.standing import CertificateStatus, OwedKind
from webapp.infra.openapi import ERRORS, _error, json_body, json_response


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_INSPECTION = {"name": "inspection_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_PERSON = {"name": "person_id", "in": "path", "required": True, "schema": {"type": "integer"}}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/inspections": {
            "post": {
                "summary": "发起检查（检查人员）：被检查的部门与备注",
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["department_id"],
                        "properties": {"department_id": {"type": "integer"}, "note": {"type": "string"}},
                    }
                ),
                "responses": {
                    "201": json_response(
                        "已发起",
                        {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
                    ),
                    **ERRORS,
                },
            }
        },
        "/api/v1/inspections/{inspection_id}": {
            "get": {
                "summary": "检查详情：抽考结果统计、每次抽考、三违记录、相关人员当前应补事项",
                "parameters": [_INSPECTION],
                "responses": {"200": json_response("检查", _ref("Inspection")), **ERRORS},
            }
        },
        "/api/v1/inspections/{inspection_id}/spot-tests": {
            "post": {
                "summary": "逢查必考（平板现场模式）：作业人员输入 PIN 确认后抽取本岗位抽考试卷",
                "description": (
                    "返回与 POST /api/v1/attempts 相同的试卷（不含答案）。之后由发起检查的检查人员的会话通过 "
                    "PUT /api/v1/attempts/{id}/responses/{question_id} 与 POST /api/v1/attempts/{id}/submit "
                    "作答、交卷；交卷即记入作业人员的考试记录与上岗资格。同一人未交卷时再次调用返回同一份试卷。"
                    "与页面上的“开始抽考”一样，以会话（Cookie）调用时该会话随即进入抽考状态：除该作业人员的试卷、"
                    "作答、交卷与结果外，其余请求一律拒绝（403 kiosk_locked），直到检查人员通过 "
                    "POST /api/v1/inspections/kiosk/hand-back 验证身份收回平板；以令牌（Bearer）调用不受影响。"
                ),
                "parameters": [_INSPECTION],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["person_id", "pin"],
                        "properties": {
                            "person_id": {"type": "integer"},
                            "pin": {"type": "string"},
                            "post": {"type": "string", "description": "岗位代码；不填则取其第一个岗位"},
                        },
                    }
                ),
                "responses": {
                    "201": json_response("试卷", _ref("Attempt")),
                    **ERRORS,
                    "403": _error(
                        "PIN 错误，或不是本次检查的检查人员，或本会话正处于抽考状态（kiosk_locked）"
                    ),
                    "409": _error("检查已结束，或题库题目不足"),
                    "429": _error("PIN 错误次数过多，稍后再试"),
                },
            }
        },
        "/api/v1/inspections/kiosk/hand-back": {
            "post": {
                "summary": "交还检查人员：检查人员输入登录密码（或本人 PIN）收回平板，本会话结束抽考状态",
                "requestBody": json_body(
                    {"type": "object", "required": ["secret"], "properties": {"secret": {"type": "string"}}}
                ),
                "responses": {
                    "200": json_response(
                        "已收回",
                        {
                            "type": "object",
                            "required": ["inspection_id", "person_id", "attempt_id"],
                            "properties": {
                                "inspection_id": {"type": "integer"},
                                "person_id": {"type": "integer"},
                                "attempt_id": {"type": ["integer", "null"]},
                            },
                        },
                    ),
                    **ERRORS,
                    "403": _error("密码或 PIN 码不正确"),
                    "409": _error("本会话不在抽考状态"),
                    "429": _error("错误次数过多，稍后再试"),
                },
            }
        },
        "/api/v1/inspections/{inspection_id}/findings": {
            "post": {
                "summary": "记录三违（违章指挥、违章作业、违反劳动纪律）；该人员即停岗待脱产培训",
                "description": (
                    "三违使该人员立即停岗、证书暂停，须先确认：不带 confirm: true 时不作记录，返回 409 "
                    "confirmation_required 及将产生的后果说明。"
                ),
                "parameters": [_INSPECTION],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["person_id", "category", "note", "confirm"],
                        "properties": {
                            "person_id": {"type": "integer"},
                            "category": {"type": "string", "enum": ["违章指挥", "违章作业", "违反劳动纪律"]},
                            "note": {"type": "string"},
                            "post": {"type": "string"},
                            "confirm": {
                                "type": "boolean",
                                "description": "确认该人员即停岗（须为 true 才记录）",
                            },
                        },
                    }
                ),
                "responses": {
                    "201": json_response(
                        "已记录", {"type": "object", "properties": {"id": {"type": "integer"}}}
                    ),
                    **ERRORS,
                    "409": _error("检查已结束，或未确认（confirmation_required）"),
                },
            }
        },
        "/api/v1/inspections/{inspection_id}/spot-tests/{attempt_id}/void": {
            "post": {
                "summary": "作废抽考：作业人员中途离开或抽错人时，作废未交卷的抽考（须填写原因，记入审计日志）",
                "parameters": [
                    _INSPECTION,
                    {"name": "attempt_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["reason"],
                        "properties": {"reason": {"type": "string", "minLength": 1}},
                    }
                ),
                "responses": {
                    "200": json_response("检查", _ref("Inspection")),
                    **ERRORS,
                    "409": _error("检查已结束，或该抽考已交卷"),
                },
            }
        },
        "/api/v1/inspections/{inspection_id}/close": {
            "post": {
                "summary": "结束检查，返回检查报告数据（报告另有 /inspections/{id}/report.pdf 与 .xlsx）",
                "parameters": [_INSPECTION],
                "responses": {
                    "200": json_response("检查报告", _ref("Inspection")),
                    **ERRORS,
                    "409": _error("仍有抽考未交卷（须交卷或作废）"),
                },
            }
        },
        "/api/v1/people/{person_id}/standing": {
            "get": {
                "summary": "上岗资格：今天能否上岗、原因、应补事项与合格证状态",
                "parameters": [
                    _PERSON,
                    {
                        "name": "post",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "岗位代码；不填则取其第一个岗位",
                    },
                ],
                "responses": {"200": json_response("上岗资格", _ref("Standing")), **ERRORS},
            }
        },
    },
    "components": {
        "schemas": {
            "Owed": {
                "type": "object",
                "required": ["kind", "description"],
                "properties": {
                    "kind": {
                        "type": "string",
                        "enum": list(get_args(OwedKind)),
                    },
                    "description": {"type": "string"},
                    "deadline": {"type": ["string", "null"], "format": "date"},
                    "hours_remaining": {"type": ["number", "null"]},
                },
            },
            "StandingCertificate": {
                "type": "object",
                "properties": {
                    "serial": {"type": "string"},
                    "post": {"type": "string"},
                    "kind": {"type": "string"},
                    "issued": {"type": "string", "format": "date"},
                    "expires": {"type": "string", "format": "date"},
                    "status": {
                        "type": "string",
                        "enum": list(get_args(CertificateStatus)),
                    },
                    "status_name": {"type": "string"},
                    "reason": {"type": ["string", "null"]},
                    "url": {"type": "string", "description": "合格证查验页（二维码内容）"},
                },
            },
            "Standing": {
                "type": "object",
                "required": ["may_work", "status", "owed", "certificates"],
                "properties": {
                    "person_id": {"type": "integer"},
                    "post": {"type": "string"},
                    "post_name": {"type": "string"},
                    "on": {"type": "string", "format": "date"},
                    "may_work": {"type": "boolean"},
                    "status": {
                        "type": "string",
                        "description": "quizbank.rules.Status，如 qualified、makeup_due",
                    },
                    "status_name": {"type": "string"},
                    "reasons": {"type": "array", "items": {"type": "string"}},
                    "owed": {"type": "array", "items": _ref("Owed")},
                    "certificates": {"type": "array", "items": _ref("StandingCertificate")},
                    "special_certificate": {"type": ["object", "null"]},
                },
            },
            "Inspection": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "organisation_id": {"type": "integer"},
                    "department_id": {"type": "integer"},
                    "department": {"type": "string"},
                    "inspector": {"type": "string"},
                    "note": {"type": "string"},
                    "opened_at": {"type": "string", "format": "date-time"},
                    "closed_at": {"type": ["string", "null"], "format": "date-time"},
                    "tally": {
                        "type": "object",
                        "properties": {
                            "passed": {"type": "integer"},
                            "failed": {"type": "integer"},
                            "running": {"type": "integer"},
                            "voided": {"type": "integer"},
                        },
                    },
                    "spot_tests": {"type": "array", "items": {"type": "object"}},
                    "findings": {"type": "array", "items": {"type": "object"}},
                    "owed": {
                        "type": "object",
                        "description": "人员 id → 各岗位的上岗资格",
                        "additionalProperties": {"type": "array", "items": _ref("Standing")},
                    },
                },
            },
        }
    },
}
