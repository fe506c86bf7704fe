"""Trainers' pages: the question bank (import, browse, edit, retire), blueprints (组卷规则) and exam
scheduling. Services live in `webapp.bank.service`, `webapp.bank.paper_rules`, `webapp.bank.schedule`."""

from webapp.bank import routes, rules_routes  # noqa: F401  (register routes on bp)
from webapp.bank.blueprint import bp
from webapp.infra.nav import NavItem

NAV = [
    NavItem("bank.index", "题库", ("trainer", "admin"), "导入题库、查看和修改题目"),
]

__all__ = ["NAV", "bp"]
