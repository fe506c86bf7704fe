"""The regulator's overview (辖区总览): its pages and Excel export, for the regulator's staff. Which
enterprises they see comes from webapp.infra.security (overseen_org_ids, drillable_org_ids) only."""

from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.nav import NavItem
from webapp.infra.security import drillable_org_ids, overseen_org_ids, require_role
from webapp.org.models import Department, Organisation, Person
from webapp.oversight import export, service
from webapp.oversight.ranking import rank
from webapp.reports.service import ReportError, parse_range

bp = Blueprint("oversight", __name__, url_prefix="/oversight")
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


def _filters() -> tuple[service.Period, str, bool, str | None]:
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


def _figures(period: service.Period, q: str, flagged: bool):
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


@bp.get("/")
@staff_only
def index():
    period, q, flagged, error = _filters()
    figures, visits = _figures(period, q, flagged)
    return render_template(
        "oversight/index.html",
        figures=figures,
        visits=visits[:20],
        period=period,
        q=q,
        flagged=flagged,
        error=error,
        drillable=drillable_org_ids(),
    ), (400 if error else 200)


@bp.get("/overview.xlsx")
@staff_only
def download():
    period, q, flagged, error = _filters()
    if error:
        abort(400, error)
    figures, visits = _figures(period, q, flagged)
    data = export.to_xlsx(figures, visits, period, current_user.organisation.name)
    name = f"辖区总览-{period.start}-{period.end}.xlsx"
    return send_file(io.BytesIO(data), mimetype=MXLSX, as_attachment=True, download_name=name)


@bp.get("/enterprises/<int:organisation_id>")
@staff_only
def enterprise(organisation_id: int):
    """One enterprise's figures; its people only where the jurisdiction covers it or an inspection by the
    regulator's inspectors is open there. Any other enterprise: 404."""
    drillable = drillable_org_ids()
    if organisation_id not in overseen_org_ids() and organisation_id not in drillable:
        abort(404)
    period, _q, _f, _error = _filters()
    figures = service.overview(session, [organisation_id], period, clock.today())[0]
    people = []
    if organisation_id in drillable:
        people = session.execute(
            select(Person, Department.name)
            .outerjoin(Department, Department.id == Person.department_id)
            .where(Person.organisation_id == organisation_id, Person.active.is_(True))
            .order_by(Person.employee_no)
            .limit(500)
        ).all()
    return render_template(
        "oversight/enterprise.html",
        f=figures,
        reasons=rank([figures]),
        people=people,
        period=period,
    )
