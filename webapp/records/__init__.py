"""Records: 一人一档 (a person's training archive as a page, PDF, Excel and JSON), department archives
as one zip, and hours owed and coverage by department × post."""

from webapp.infra.nav import NavItem
from webapp.records import api, routes  # noqa: F401  (routes register on bp)
from webapp.records.blueprint import bp
from webapp.records.openapi import OPENAPI

NAV = [
    NavItem(
        "records.index",
        "一人一档",
        ("trainer", "hr", "admin"),
        "每人的培训档案、三级安全教育卡，导出 PDF/Excel，按部门打包",
    ),
    NavItem("records.index", "我的档案", ("worker",), "我的培训学时、考试、合格证和上岗资格"),
    NavItem(
        "records.coverage_page",
        "学时覆盖",
        ("trainer", "hr", "admin"),
        "按部门和岗位统计应修学时与已记录学时，谁差多少",
    ),
]

__all__ = ["NAV", "OPENAPI", "bp"]
