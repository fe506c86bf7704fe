"""Dashboards on the staff home page (今日不得上岗, 待补考/逾期, 复训积压, 证书到期, 本月考试) and the
exam roster with its 成绩单."""

from webapp.dashboard.openapi import OPENAPI
from webapp.dashboard.routes import bp

__all__ = ["OPENAPI", "bp"]
