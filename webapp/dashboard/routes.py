"""The staff home-page dashboard, the inspector's (one board per enterprise they may inspect, with their own
inspections there), the click-through lists, the exam roster with its 成绩单 export, and the JSON API for
both (`GET /api/v1/dashboard`, `GET /api/v1/exams/{id}/roster`)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, jsonify, render_template, request, send_file
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.styles import Font

from quizbank.formats.excel import neutralise_formula as neutralise
from quizbank.model import EXAM_KIND_NAMES
from webapp.dashboard.inspector import inspector_dashboard
from webapp.dashboard.roster import STATE_NAMES, roster
from webapp.dashboard.service import WINDOWS, Dashboard, dashboard
from webapp.exams.models import Exam
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.nav import HOME_SECTIONS
from webapp.infra.security import get_owned, require_role, visible_org_ids
from webapp.org.models import Organisation

bp = Blueprint("dashboard", __name__)
STAFF = ("hr", "trainer", "admin")
LISTS = {
    "barred": ("今日不得上岗", "barred"),
    "makeup": ("待补考", "makeup_due"),
    "overdue": ("逾期未办", "overdue"),
    "backlog": ("复训积压", "backlog"),
}


def _current(organisation_id: int | None = None) -> Dashboard:
    return dashboard(session, organisation_id or current_user.organisation_id, clock.today(), clock.now())


def _home(user):
    if not user.has_role(*STAFF):
        return None
    return {"template": "dashboard/_home.html", "d": _current(), "windows": WINDOWS}


def _inspector_home(user):
    """The enterprises the inspector may inspect (their own is left out when the staff board shows it)."""
    if not user.has_role("inspector"):
        return None
    orgs = set(visible_org_ids())
    if user.has_role(*STAFF):
        orgs.discard(user.organisation_id)
        if not orgs:
            return None
    board = inspector_dashboard(session, user.id, orgs, clock.today(), clock.now())
    return {"template": "dashboard/_inspector_home.html", "board": board, "windows": WINDOWS}


HOME_SECTIONS.insert(0, _inspector_home)
HOME_SECTIONS.insert(0, _home)


def _list_organisation() -> Organisation:
    """Whose lists: the staff member's own enterprise, or (`?org=`) one the inspector may inspect."""
    org_id = request.args.get("org", type=int) or current_user.organisation_id
    own = org_id == current_user.organisation_id
    if not (own and current_user.has_role(*STAFF)) and not (
        current_user.has_role("inspector") and org_id in visible_org_ids()
    ):
        abort(404)
    org = session.get(Organisation, org_id)
    if org is None or org.kind != "enterprise":
        abort(404)
    return org


@bp.get("/dashboard/people")
@require_role(*STAFF, "inspector")
def people():
    which = request.args.get("list", "barred")
    if which not in LISTS:
        abort(404)
    org = _list_organisation()
    title, attr = LISTS[which]
    d = _current(org.id)
    return render_template(
        "dashboard/list.html", d=d, title=title, which=which, lines=getattr(d, attr), org=org
    )


@bp.get("/dashboard/expiring")
@require_role(*STAFF, "inspector")
def expiring():
    org = _list_organisation()
    return render_template("dashboard/expiring.html", d=_current(org.id), windows=WINDOWS, org=org)


def _roster_exam(exam_id: int) -> Exam:
    exam = get_owned(Exam, exam_id)
    if exam.organisation_id != current_user.organisation_id:
        abort(404)
    return exam


@bp.get("/exams/<int:exam_id>/roster")
@require_role(*STAFF)
def exam_roster(exam_id: int):
    exam = _roster_exam(exam_id)
    now = clock.now()
    lines = [(line, line.state(exam, now)) for line in roster(session, exam)]
    counts = {k: sum(1 for _, s in lines if s == k) for k in STATE_NAMES}
    return render_template(
        "dashboard/roster.html",
        exam=exam,
        lines=lines,
        counts=counts,
        names=STATE_NAMES,
        kinds=EXAM_KIND_NAMES,
    )


@bp.get("/exams/<int:exam_id>/roster.xlsx")
@require_role(*STAFF)
def exam_transcript(exam_id: int):
    """成绩单: one row per person due (and anyone else who sat it), best score, result."""
    exam = _roster_exam(exam_id)
    now = clock.now()
    wb = Workbook()
    ws = wb.active
    ws.title = "成绩单"
    ws.append([f"{exam.title}（{EXAM_KIND_NAMES.get(exam.kind, exam.kind)}）",
               f"{clock.format_local(exam.opens_at)} 至 {clock.format_local(exam.closes_at)}"])  # fmt: skip
    ws.append(["工号", "姓名", "部门", "次数", "最高分", "满分", "结果", "交卷时间"])
    for line in roster(session, exam):
        best = line.best
        ws.append([
            neutralise(line.person.employee_no), neutralise(line.person.name),
            neutralise(line.person.department.name if line.person.department else ""),
            len(line.attempts), best.score if best else None, best.max_score if best else None,
            STATE_NAMES[line.state(exam, now)], clock.format_local(best.submitted_at) if best else "",
        ])  # fmt: skip
    ws.freeze_panes = "A3"
    for col, width in zip("ABCDEFGH", (12, 12, 16, 8, 10, 8, 10, 18), strict=True):
        ws.column_dimensions[col].width = width
    for c in ws[2]:
        c.font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return send_file(
        io.BytesIO(out.getvalue()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"成绩单-{exam.title}.xlsx",
    )


# --- JSON API ---------------------------------------------------------------------------------------------


def _line(line) -> dict:
    return {
        "person_id": line.person.id,
        "name": line.person.name,
        "employee_no": line.person.employee_no,
        "post": line.post,
        "status": line.status,
        "reasons": list(line.reasons),
        "due": line.due.isoformat() if line.due else None,
        "age_days": line.age_days,
    }


@bp.get("/api/v1/dashboard")
@require_role(*STAFF)
def api_dashboard():
    d = _current()
    return jsonify(
        on=d.today.isoformat(),
        people=d.people,
        may_work_today=d.may_work,
        barred=[_line(x) for x in d.barred],
        makeup_due=[_line(x) for x in d.makeup_due],
        overdue=[_line(x) for x in d.overdue],
        retraining_backlog=[_line(x) for x in d.backlog],
        expiring={str(w): d.expiring_within(w) for w in WINDOWS},
        expiring_certificates=[
            {
                "kind": e.kind,
                "number": e.number,
                "holder": e.person,
                "what": e.what,
                "due": e.due.isoformat(),
                "days": e.days,
            }
            for e in d.expiring
        ],  # fmt: skip
        month_exams={
            "due": d.month.due,
            "sat": d.month.sat,
            "no_show": d.month.no_show,
            "passed": d.month.passed,
        },
    )


@bp.get("/api/v1/exams/<int:exam_id>/roster")
@require_role(*STAFF)
def api_roster(exam_id: int):
    exam = _roster_exam(exam_id)
    now = clock.now()
    rows = []
    for line in roster(session, exam):
        best = line.best
        rows.append(
            {
                "person_id": line.person.id,
                "name": line.person.name,
                "employee_no": line.person.employee_no,
                "state": line.state(exam, now),
                "attempts": len(line.attempts),
                "score": best.score if best else None,
                "passed": line.passed,
            }
        )
    return jsonify(exam={"id": exam.id, "title": exam.title, "kind": exam.kind}, rows=rows)
