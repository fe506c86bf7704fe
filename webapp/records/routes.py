"""Pages: a person's 一人一档 (with PDF/Excel downloads), the people list with department zips, and the
hours coverage table by department × post with its Excel export."""

from __future__ import annotations

import io
from urllib.parse import quote

from flask import Response, abort, current_app, render_template, request, send_file, stream_with_context
from flask_login import current_user
from sqlalchemy import select

from webapp.infra import clock
from webapp.infra.db import session, transaction
from webapp.infra.fonts import cjk_font_path
from webapp.infra.security import current_person, get_owned, require_role
from webapp.org.models import Department, Person
from webapp.records import coverage, files
from webapp.records.access import READERS, readable_person
from webapp.records.blueprint import bp
from webapp.records.service import archive_of, department_people, iter_archives
from webapp.records.tables import identity_rows, sections

MANAGERS = ("trainer", "hr", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/records/")
@require_role(*READERS)
def index():
    if not current_user.has_role(*MANAGERS, "inspector"):
        me = current_person()
        if me is None:
            abort(404)
        return person(me.id)
    q = (request.args.get("q") or "").strip()
    query = select(Person).where(Person.organisation_id == current_user.organisation_id)
    if q:
        query = query.where(Person.name.contains(q) | Person.employee_no.contains(q))
    people = list(session.scalars(query.order_by(Person.employee_no).limit(200)))
    departments = list(
        session.scalars(
            select(Department)
            .where(Department.organisation_id == current_user.organisation_id, Department.active)
            .order_by(Department.name)
        )
    )
    return render_template("records/index.html", people=people, departments=departments, q=q)


@bp.get("/records/people/<int:person_id>")
@require_role(*READERS)
def person(person_id: int):
    p = readable_person(person_id)
    archive = archive_of(session, p, clock.today())
    return render_template(
        "records/archive.html",
        person=p,
        archive=archive,
        identity=identity_rows(archive),
        sections=sections(archive),
    )


@bp.get("/records/people/<int:person_id>/archive.<fmt>")
@require_role(*READERS)
def download(person_id: int, fmt: str):
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    p = readable_person(person_id)
    archive = archive_of(session, p, clock.today())
    data = files.archive_pdf(archive) if fmt == "pdf" else files.archive_xlsx(archive)
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf" if fmt == "pdf" else XLSX,
        as_attachment=True,
        download_name=files.archive_file_name(archive, fmt),
    )


@bp.get("/records/departments/<int:department_id>/archives.zip")
@require_role(*MANAGERS)
def department_zip(department_id: int):
    dept = get_owned(Department, department_id)
    if dept.organisation_id != current_user.organisation_id:
        abort(404)
    ids = department_people(session, dept.organisation_id, dept.id)
    today = clock.today()
    if request.args.get("files") != "xlsx":
        cjk_font_path()  # no font: 503 with what to install, before the download starts
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    only = request.args.get("files")  # pdf | xlsx | both (default)

    def generate():
        # A session of its own: the request's is committed and closed before the body is sent.
        with transaction(app, write=False) as s:
            yield from files.zip_stream(iter_archives(s, ids, today), pdf=only != "xlsx", xlsx=only != "pdf")

    name = quote(f"一人一档-{dept.name}-{today.isoformat()}.zip")
    return Response(
        stream_with_context(generate()),
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


def _year() -> int:
    try:
        return int(request.args.get("year") or clock.today().year)
    except ValueError:
        abort(400, "年度应为四位数字")


@bp.get("/records/coverage")
@require_role(*MANAGERS)
def coverage_page():
    year = _year()
    rows = coverage.coverage_of(session, current_user.organisation_id, year, clock.today())
    return render_template("records/coverage.html", rows=rows, year=year)


@bp.get("/records/coverage.xlsx")
@require_role(*MANAGERS)
def coverage_download():
    year = _year()
    people = coverage.owed_by_person(session, current_user.organisation_id, year, clock.today())
    from quizbank import records

    rows = records.coverage((d, p, f"{x.name}（{x.employee_no}）", o) for x, d, p, o in people)
    return send_file(
        io.BytesIO(coverage.coverage_xlsx(rows, people, year)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"学时覆盖-{year}.xlsx",
    )
