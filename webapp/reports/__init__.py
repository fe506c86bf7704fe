"""HR reports: pass rates by post, department, month or inspection (page, Excel/CSV, JSON API)."""

from webapp.infra.nav import NavItem
from webapp.reports.openapi import OPENAPI
from webapp.reports.routes import bp

NAV = [
    NavItem("reports.index", "通过率", ("hr", "admin"), "按岗位、部门、月份、检查统计考试通过率，导出 Excel")
]

__all__ = ["NAV", "OPENAPI", "bp"]
