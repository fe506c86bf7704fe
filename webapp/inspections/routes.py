"""Inspection pages (the inspector's tablet). Views are thin: scope and role checks here, use cases in
`webapp.inspections.service`. The JSON API is in webapp.inspections.api, on the same blueprint."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from quizbank import rules
from webapp.exams import service as exam_service
from webapp.exams.models import Attempt
from webapp.exams.service import next_steps
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import NavItem
from webapp.infra.security import get_owned, require_role, scoped, visible_org_ids
from webapp.inspections import kiosk as kiosk_state
from webapp.inspections import report_files, reporting, voiding
from webapp.inspections import service as service
from webapp.inspections.blueprint import READ, RUN, bp, current_lock, inspection_of, person_in, runnable
from webapp.inspections.models import Inspection
from webapp.inspections.openapi import OPENAPI
from webapp.org.models import Department, Organisation
from webapp.org.service import person_by_employee_no
from webapp.standing import service as standing_service

NAV = [NavItem("inspections.index", "现场检查", RUN, "逢查必考、三违记录、检查报告")]
__all__ = ["NAV", "OPENAPI", "bp"]


def _departments() -> list[tuple[Organisation, list[Department]]]:
    orgs = session.scalars(scoped(select(Organisation), Organisation).order_by(Organisation.name)).all()
    out = []
    for org in orgs:
        depts = session.scalars(
            select(Department)
            .where(Department.organisation_id == org.id, Department.active.is_(True))
            .order_by(Department.name)
        ).all()
        if depts:
            out.append((org, list(depts)))
    return out


# --- pages ---------------------------------------------------------------------------------------------------


@bp.get("/inspections")
@require_role(*READ)
def index():
    inspections = session.scalars(
        scoped(select(Inspection), Inspection).order_by(Inspection.opened_at.desc()).limit(100)
    ).all()
    return render_template(
        "inspections/index.html",
        inspections=inspections,
        departments=_departments() if current_user.has_role(*RUN) else [],
    )


@bp.post("/inspections")
@require_role(*RUN)
def open_page():
    try:
        department = get_owned(Department, int(request.form.get("department_id", "")))
    except ValueError:
        flash("请选择被检查的部门。")
        return redirect(url_for("inspections.index"))
    if not department.active:
        flash(f"部门“{department.name}”已停用，不能再开始检查。")
        return redirect(url_for("inspections.index"))
    inspection = service.open_inspection(
        session, department=department, inspector=current_user, note=request.form.get("note", ""),
        now=clock.now(),
    )  # fmt: skip
    return redirect(url_for("inspections.show", inspection_id=inspection.id))


@bp.get("/inspections/<int:inspection_id>")
@require_role(*READ)
def show(inspection_id: int):
    inspection = inspection_of(inspection_id)
    people = service.department_people(session, inspection)
    today = clock.today()
    standings = standing_service.standings_of(session, people, today)
    current = reporting.report(session, inspection, today)
    tested_ids = {row.person.id for row in current.tested}
    return render_template(
        "inspections/show.html",
        inspection=inspection,
        people=people,
        standings=standings,
        sample=service.suggested_sample(inspection, people),
        tested_ids=tested_ids,
        report=current,
        categories=rules.VIOLATION_CATEGORIES,
        may_run=inspection.is_open
        and (inspection.inspector_id == current_user.id or current_user.has_role("admin")),
    )


@bp.get("/inspections/<int:inspection_id>/find")
@require_role(*READ)
def find(inspection_id: int):
    inspection = inspection_of(inspection_id)
    code = request.args.get("code", "")
    person = service.find_person(session, inspection, code)
    if person is None:
        flash(f"没有找到工号、姓名或二维码“{code.strip()[:60]}”对应的本企业人员（同名者请用工号）。")
        return redirect(url_for("inspections.show", inspection_id=inspection.id))
    return redirect(url_for("inspections.person", inspection_id=inspection.id, person_id=person.id))


@bp.get("/inspections/badge/<int:organisation_id>/<employee_no>")
@require_role(*RUN)
def badge(organisation_id: int, employee_no: str):
    """Where a worker's badge QR leads: their panel in this inspector's open inspection of the enterprise."""
    if organisation_id not in visible_org_ids():
        raise ApiError(404, "not_found", "没有找到")
    person = person_by_employee_no(session, organisation_id, employee_no)
    if person is None:
        raise ApiError(404, "not_found", "没有找到该人员")
    inspection = session.scalar(
        select(Inspection)
        .where(
            Inspection.organisation_id == organisation_id,
            Inspection.inspector_id == current_user.id,
            Inspection.closed_at.is_(None),
        )
        .order_by(Inspection.opened_at.desc())
    )
    if inspection is None:
        flash(f"已识别 {person.name}（{person.employee_no}）。请先对其所在部门发起检查。")
        return redirect(url_for("inspections.index"))
    return redirect(url_for("inspections.person", inspection_id=inspection.id, person_id=person.id))


@bp.get("/inspections/<int:inspection_id>/people/<int:person_id>")
@require_role(*READ)
def person(inspection_id: int, person_id: int):
    inspection = inspection_of(inspection_id)
    worker = person_in(inspection, person_id)
    standings = standing_service.standings_of(session, [worker])[worker.id]
    attempts = [a for a in service.spot_tests(session, inspection) if a.person_id == worker.id]
    return render_template(
        "inspections/person.html",
        inspection=inspection,
        worker=worker,
        standings=standings,
        attempts=attempts,
        running=service.running_test(session, inspection, worker, clock.now()),
        categories=rules.VIOLATION_CATEGORIES,
        may_run=inspection.is_open
        and (inspection.inspector_id == current_user.id or current_user.has_role("admin")),
    )


@bp.route("/inspections/<int:inspection_id>/people/<int:person_id>/spot-test", methods=["GET", "POST"])
@require_role(*RUN)
def spot_test_page(inspection_id: int, person_id: int):
    """Kiosk: the worker confirms with their PIN on the handed-over tablet, then sits the spot test."""
    inspection = runnable(inspection_id)
    worker = person_in(inspection, person_id)
    lock = current_lock()
    if lock is None:  # reached without handing the tablet over: the inspector starts from the person page
        flash("请点击“开始抽考”把平板交给作业人员。")
        return redirect(url_for("inspections.person", inspection_id=inspection.id, person_id=worker.id))
    if lock.attempt_id is not None:  # the PIN was given: the kiosk is the paper now (Back lands there)
        return redirect(url_for("inspections.kiosk", inspection_id=inspection.id, attempt_id=lock.attempt_id))
    error = None
    if request.method == "POST":
        try:
            attempt = kiosk_state.start_spot_test(
                session, inspection, worker, pin=request.form.get("pin", ""), post_code=lock.post_code,
                inspector=current_user, session_key=lock.session_key, now=clock.now(),
            )  # fmt: skip
            return redirect(url_for("inspections.kiosk", inspection_id=inspection.id, attempt_id=attempt.id))
        except ApiError as e:
            if e.code not in (403, 409, 429):
                raise
            error = e.description
    post = service.spot_post(session, worker, lock.post_code)
    return render_template(
        "inspections/pin.html", inspection=inspection, worker=worker, post=post, error=error
    ), (200 if error is None else 403)


def _kiosk_attempt(inspection: Inspection, attempt_id: int) -> Attempt:
    attempt = get_owned(Attempt, attempt_id)
    if attempt.inspection_id != inspection.id or attempt.started_by != current_user.id:
        raise ApiError(404, "not_found", "没有找到这次抽考")
    return attempt


@bp.get("/inspections/<int:inspection_id>/spot-tests/<int:attempt_id>")
@require_role(*RUN)
def kiosk(inspection_id: int, attempt_id: int):
    inspection = inspection_of(inspection_id)
    attempt = _kiosk_attempt(inspection, attempt_id)
    exam_service.finalize_if_expired(session, attempt, clock.now())
    if attempt.is_submitted:
        return redirect(
            url_for("inspections.kiosk_result", inspection_id=inspection.id, attempt_id=attempt.id)
        )
    if current_lock() is None:  # the paper is answered only on a handed-over tablet
        flash("请点击“继续作答”把平板交给作业人员。")
        return redirect(
            url_for("inspections.person", inspection_id=inspection.id, person_id=attempt.person_id)
        )
    return render_template("inspections/kiosk.html", inspection=inspection, attempt=attempt)


@bp.get("/inspections/<int:inspection_id>/spot-tests/<int:attempt_id>/result")
@require_role(*RUN)
def kiosk_result(inspection_id: int, attempt_id: int):
    inspection = inspection_of(inspection_id)
    attempt = _kiosk_attempt(inspection, attempt_id)
    exam_service.finalize_if_expired(session, attempt, clock.now())
    if not attempt.is_submitted:
        return redirect(url_for("inspections.kiosk", inspection_id=inspection.id, attempt_id=attempt.id))
    voided = attempt.kind == service.VOIDED
    result = None if voided else exam_service.result_json(session, attempt)
    steps = None if voided else next_steps.after_failure(session, attempt, clock.today())
    return render_template(
        "inspections/kiosk_result.html", inspection=inspection, attempt=attempt, result=result,
        next_steps=steps,
    )  # fmt: skip


@bp.post("/inspections/<int:inspection_id>/findings")
@require_role(*RUN)
def finding_page(inspection_id: int):
    """记录三违: the first post shows what it will do (the worker is off the post at once); the confirmation
    page posts again with confirm=1, and only that records it."""
    inspection = runnable(inspection_id)
    worker = person_in(inspection, request.form.get("person_id"))
    category, note = request.form.get("category", ""), request.form.get("note", "")
    post_code = request.form.get("post") or None
    try:
        service.record_finding(
            session, inspection, worker, category=category, note=note, post_code=post_code, by=current_user,
            today=clock.today(), now=clock.now(), confirmed=request.form.get("confirm") == "1",
        )  # fmt: skip
    except ApiError as e:
        if e.code == 409 and e.error_code == "confirmation_required":
            return render_template(
                "inspections/finding_confirm.html", inspection=inspection, worker=worker, category=category,
                note=note, post_code=post_code or "", warning=e.description,
            )  # fmt: skip
        if e.code != 400:
            raise
        flash(e.description)
        return redirect(url_for("inspections.person", inspection_id=inspection.id, person_id=worker.id))
    flash(f"已记录 {worker.name} 的三违情况，该人员须停岗接受脱产培训并考试合格后方可返岗。")
    return redirect(url_for("inspections.show", inspection_id=inspection.id))


@bp.post("/inspections/<int:inspection_id>/spot-tests/<int:attempt_id>/void")
@require_role(*RUN)
def void_page(inspection_id: int, attempt_id: int):
    """作废抽考: an abandoned or mistaken spot test, with a reason (audit trail)."""
    inspection = runnable(inspection_id)
    attempt = get_owned(Attempt, attempt_id)
    try:
        voiding.void_spot_test(
            session,
            inspection,
            attempt,
            reason=request.form.get("reason", ""),
            by=current_user,
            now=clock.now(),
        )
    except ApiError as e:
        if e.code not in (400, 409):
            raise
        flash(e.description)
    else:
        flash(f"已作废 {attempt.person.name} 的抽考。")
    return redirect(url_for("inspections.person", inspection_id=inspection.id, person_id=attempt.person_id))


@bp.post("/inspections/<int:inspection_id>/close")
@require_role(*RUN)
def close_page(inspection_id: int):
    inspection = runnable(inspection_id)
    try:
        service.close_inspection(session, inspection, clock.now())
    except ApiError as e:
        if e.code != 409:
            raise
        flash(e.description)
        return redirect(url_for("inspections.show", inspection_id=inspection.id))
    return redirect(url_for("inspections.report_page", inspection_id=inspection.id))


@bp.get("/inspections/<int:inspection_id>/report")
@require_role(*READ)
def report_page(inspection_id: int):
    inspection = inspection_of(inspection_id)
    return render_template(
        "inspections/report.html", report=reporting.report(session, inspection, clock.today())
    )


@bp.get("/inspections/<int:inspection_id>/report.pdf")
@require_role(*READ)
def report_pdf(inspection_id: int):
    inspection = inspection_of(inspection_id)
    data = report_files.report_pdf(reporting.report(session, inspection, clock.today()))
    return _download(data, "application/pdf", f"inspection-{inspection.id}.pdf")


@bp.get("/inspections/<int:inspection_id>/report.xlsx")
@require_role(*READ)
def report_xlsx(inspection_id: int):
    inspection = inspection_of(inspection_id)
    data = report_files.report_xlsx(reporting.report(session, inspection, clock.today()))
    return _download(
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"inspection-{inspection.id}.xlsx",
    )


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# registers on bp the JSON routes, and the kiosk pages with the guard that keeps a session in kiosk state
from webapp.inspections import api, kiosk_routes  # noqa: E402, F401
