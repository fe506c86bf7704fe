"""Trainers' pages: the question bank (import, browse, edit, retire), blueprints (组卷规则) and exam
scheduling. Services live in `webapp.bank.service`, `webapp.bank.paper_rules`, `webapp.bank.schedule`.

The pages (`bp`, `NAV`) load when create_app first asks for them (PEP 562), not when a module of the
package is imported: `quizbank import` writes through the bank's services and tables without them (the
pages pull in every feature's services: a second and ~70 MB before a row is written)."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name not in ("bp", "NAV"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from webapp.bank import routes, rules_routes  # noqa: F401  (register routes on bp)
    from webapp.bank.blueprint import bp
    from webapp.infra.nav import NavItem

    nav = [NavItem("bank.index", "题库", ("trainer", "admin"), "导入题库、查看和修改题目")]
    globals().update(bp=bp, NAV=nav)
    return globals()[name]


__all__ = ["NAV", "bp"]
