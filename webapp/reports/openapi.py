"""The report endpoints' part of /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from webapp.reports.service import COLUMNS, COUNTED_KINDS, GROUPINGS


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_RATE = {"type": ["number", "null"], "description": "百分比（0–100，一位小数）；分母为 0 时为 null"}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/v1/reports/pass-rates": {
            "get": {
                "summary": "考试通过率（人事/安全科）：按岗位、部门、月份或检查分组",
                "description": "统计交卷的考试（不含练习）。"
                + "；".join(f"{t}：{n}" for _k, t, n in COLUMNS),
                "parameters": [
                    {
                        "name": "by",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "enum": list(GROUPINGS)},
                    },
                    {
                        "name": "from",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                        "description": "交卷日期下限（含，北京时间）",
                    },
                    {
                        "name": "to",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                        "description": "交卷日期上限（含，北京时间）；不得早于 from，否则 400",
                    },
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"type": "string", "enum": list(COUNTED_KINDS)},
                        "description": "考试类型",
                    },
                    {
                        "name": "post_id",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "description": "岗位编号",
                    },
                    {
                        "name": "department_id",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "description": "部门编号（含下级部门）；可与岗位同时使用",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "各组的人次、人数与通过率",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/PassRateReport"}}
                        },
                    },
                    "400": _error("by 不在可选值中、日期格式不对、from 晚于 to，或筛选条件不对"),
                    "401": _error("未登录"),
                    "403": _error("无权限（需要人事/安全科或管理员）"),
                },
            }
        }
    },
    "components": {
        "schemas": {
            "PassRateRow": {
                "type": "object",
                "required": [k for k, _t, _n in COLUMNS],
                "properties": {
                    "key": {"type": "string", "description": "分组的编号（岗位/部门/检查 id，或 YYYY-MM）"},
                    "label": {"type": "string"},
                    "attempts": {"type": "integer"},
                    "attempts_passed": {"type": "integer"},
                    "attempt_rate": _RATE,
                    "people": {"type": "integer"},
                    "first_passed": {"type": "integer"},
                    "first_rate": _RATE,
                    "latest_passed": {
                        "type": "integer",
                        "description": "末次考试合格人数（不代表今日可上岗）",
                    },
                    "latest_rate": _RATE,
                    "may_work_today": {"type": "integer", "description": "参考人员中今日可上岗的人数"},
                },
            },
            "PassRateReport": {
                "type": "object",
                "description": "rows 是各组的统计行（DESIGN §5 的 rows）；by/from/to/columns 说明它们是怎么算的",
                "required": ["by", "from", "to", "columns", "rows"],
                "properties": {
                    "by": {"type": "string", "enum": list(GROUPINGS)},
                    "from": {"type": ["string", "null"], "format": "date"},
                    "to": {"type": ["string", "null"], "format": "date"},
                    "columns": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "key": {"type": "string"},
                                "title": {"type": "string"},
                                "note": {"type": "string"},
                            },
                        },
                    },
                    "rows": {"type": "array", "items": {"$ref": "#/components/schemas/PassRateRow"}},
                    "total": {
                        "description": "合计：全部分组合并统计（同一人只计一次）；没有记录时为 null",
                        "anyOf": [{"$ref": "#/components/schemas/PassRateRow"}, {"type": "null"}],
                    },
                    "trend": {
                        "type": "array",
                        "description": "按月趋势（同样的筛选条件）",
                        "items": {
                            "type": "object",
                            "properties": {
                                "month": {"type": "string"},
                                "attempt_rate": _RATE,
                                "first_rate": _RATE,
                                "latest_rate": _RATE,
                                "attempts": {"type": "integer"},
                            },
                        },
                    },
                },
            },
        }
    },
}
