"""The regulator's overview (辖区总览): its pages and Excel export, for the regulator's staff. Which
enterprises they see comes from webapp.infra.security (overseen_org_ids, drillable_org_ids) only."""

from __future__ import annotations

import io

from flask import abort, render_template, send_file
from flask_login import current_user
from sqlalchemy import select

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.security import drillable_org_ids, overseen_org_ids
from webapp.org.models import Department, Person
from webapp.oversight import export, service
from webapp.oversight.blueprint import MXLSX, bp, figures_of, filters, staff_only
from webapp.oversight.ranking import rank


@bp.get("/oversight/")
@staff_only
def index():
    period, q, flagged, error = filters()
    figures, visits = figures_of(period, q, flagged)
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


@bp.get("/oversight/overview.xlsx")
@staff_only
def download():
    period, q, flagged, error = filters()
    if error:
        abort(400, error)
    figures, visits = figures_of(period, q, flagged)
    data = export.to_xlsx(figures, visits, period, current_user.organisation.name)
    name = f"辖区总览-{period.start}-{period.end}.xlsx"
    return send_file(io.BytesIO(data), mimetype=MXLSX, as_attachment=True, download_name=name)


@bp.get("/oversight/enterprises/<int:organisation_id>")
@staff_only
def enterprise(organisation_id: int):
    """One enterprise's figures; its people only where the jurisdiction covers it or an inspection by the
    regulator's inspectors is open there. Any other enterprise: 404."""
    drillable = drillable_org_ids()
    if organisation_id not in overseen_org_ids() and organisation_id not in drillable:
        abort(404)
    period, _q, _f, _error = filters()
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
