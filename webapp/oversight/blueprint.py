"""The oversight blueprint and what its pages and API share: regulator staff only; the filters (period,
enterprise name, flagged only) and the figures of the enterprises the scoping mechanism gives them
(webapp.infra.security: overseen_org_ids). Nothing here decides who sees what on its own."""

from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import select

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.nav import NavItem
from webapp.infra.security import overseen_org_ids, require_role
from webapp.org.models import Organisation
from webapp.oversight import service
from webapp.oversight.ranking import rank
from webapp.reports.service import ReportError, parse_range

bp = Blueprint("oversight", __name__)
NAV = [
    NavItem(
        "oversight.index",
        "辖区总览",
        ("regulator",),
        "辖区内各企业的手册、考试、逢查必考、三违和建议检查的企业",
    )
]
staff_only = require_role("regulator")
MXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filters() -> tuple[service.Period, str, bool, str | None]:
    today = clock.today()
    default = service.Period.this_year(today)
    try:
        start, end = parse_range(request.args.get("from") or None, request.args.get("to") or None)
        error = None
    except ReportError as e:
        start = end = None
        error = str(e)
    period = service.Period(start or default.start, end or default.end)
    if period.start > period.end:
        error, period = "开始日期不能晚于结束日期。", default
    return period, request.args.get("q", "").strip(), request.args.get("flagged") == "1", error


def figures_of(period: service.Period, q: str, flagged: bool):
    ids = overseen_org_ids()
    if q:
        ids = frozenset(
            session.scalars(
                select(Organisation.id).where(
                    Organisation.id.in_(ids), Organisation.name.contains(q, autoescape=True)
                )
            )
        )
    figures = service.overview(session, ids, period, clock.today())
    visits = rank(figures)
    if flagged:
        names = {v.figures.id for v in visits}
        figures = [f for f in figures if f.id in names]
    return figures, visits
