"""HR's roster pages: import (preview → commit, all or nothing), people list, edit, PIN reset."""

from __future__ import annotations

import base64
import io

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, or_, select
from wtforms.fields import SelectChoice

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.nav import NavItem
from webapp.infra.paging import page_count, page_number, pager_args
from webapp.infra.security import end_sessions, get_owned, hash_pin, require_role
from webapp.org.models import EMPLOYMENT_TYPES, Department, Person, PersonPost, Post, User
from webapp.roster import service
from webapp.roster.forms import ActionForm, PersonForm, RosterUploadForm
from webapp.roster.template import pins_workbook, roster_template
from webapp.uploads.limits import Deadline, upload_limits
from webapp.uploads.service import load_preview, mark_committed, store_preview

bp = Blueprint("roster", __name__, url_prefix="/roster")
NAV = [NavItem("roster.index", "花名册", ("hr", "admin"), "导入花名册，管理人员、岗位和 PIN")]
HR = ("hr", "admin")
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _org() -> int:
    return current_user.organisation_id


def _posts() -> list[Post]:
    return list(session.scalars(select(Post).where(Post.usable_by(_org())).order_by(Post.name)))


def _departments(keep: int | None = None) -> list[Department]:
    """The organisation's active departments to choose from; a deactivated one only when it is `keep`
    (the person's current department, or the filter in use), so a form never silently moves anyone."""
    return list(
        session.scalars(
            select(Department)
            .where(
                Department.organisation_id == _org(),
                or_(Department.active.is_(True), Department.id == (keep or -1)),
            )
            .order_by(Department.name)
        )
    )


def _department_choices(keep: int | None) -> list[SelectChoice]:
    return [SelectChoice("", "（无）")] + [
        SelectChoice(str(d.id), d.name if d.active else f"{d.name}（已停用）") for d in _departments(keep)
    ]


@bp.get("/")
@require_role(*HR)
def index():
    a = request.args
    query = select(Person).where(Person.organisation_id == _org())
    q = (a.get("q") or "").strip()
    if q:
        query = query.where(
            or_(Person.name.contains(q, autoescape=True), Person.employee_no.contains(q, autoescape=True))
        )
    if a.get("department", "").isdigit():
        query = query.where(Person.department_id == int(a["department"]))
    if a.get("post"):
        query = query.where(
            Person.id.in_(
                select(PersonPost.person_id)
                .join(Post, Post.id == PersonPost.post_id)
                .where(Post.code == a["post"])
            )
        )
    if a.get("employment_type") in EMPLOYMENT_TYPES:
        query = query.where(Person.employment_type == a["employment_type"])
    if a.get("active", "1") == "1":
        query = query.where(Person.active.is_(True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = page_number()
    people = session.scalars(
        query.order_by(Person.employee_no).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    return render_template(
        "roster/index.html",
        people=people,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        args=pager_args(),
        departments=_departments(int(a["department"]) if a.get("department", "").isdigit() else None),
        posts=_posts(),
        employment_types=EMPLOYMENT_TYPES,
    )


@bp.get("/template.xlsx")
@require_role(*HR)
def template():
    return send_file(
        io.BytesIO(roster_template()),
        mimetype=XLSX,
        as_attachment=True,
        download_name="花名册模板.xlsx",
    )


@bp.route("/import", methods=["GET", "POST"])
@require_role(*HR)
def upload():
    form = RosterUploadForm()
    error = None
    if form.validate_on_submit():
        limits = upload_limits()
        data = form.file.data.read(limits.max_bytes + 1)
        try:
            rows, problems, new_departments = service.parse_roster(
                session, _org(), data, create_departments=form.create_departments.data, limits=limits,
                deadline=Deadline("花名册"),
            )  # fmt: skip
        except service.RosterError as e:
            error = str(e)
        else:
            existing = service.existing_numbers(session, _org(), [r.employee_no for r in rows])
            preview = store_preview(
                session,
                kind="roster",
                organisation_id=_org(),
                user_id=current_user.id,
                filename=form.file.data.filename or "roster.xlsx",
                payload={
                    "rows": [service.row_to_dict(r) for r in rows],
                    "problems": problems,
                    "new_departments": new_departments,
                    "existing": sorted(existing),
                },
            )
            return redirect(url_for("roster.preview", token=preview.token))
    status = 400 if request.method == "POST" else 200
    return render_template("roster/upload.html", form=form, error=error), status


@bp.get("/import/<token>")
@require_role(*HR)
def preview(token: str):
    row = load_preview(session, token, kind="roster", organisation_id=_org(), user_id=current_user.id)
    posts = {p.code: p.name for p in _posts()}
    return render_template("roster/preview.html", row=row, p=row.payload, posts=posts, form=ActionForm())


@bp.post("/import/<token>/commit")
@require_role(*HR)
def commit(token: str):
    """Write the roster and show the generated PINs once, in this response only: the Excel of them is a
    data: URL in the same page. Nothing keeps them (the preview row records only counts)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    row = load_preview(
        session, token, kind="roster", organisation_id=_org(), user_id=current_user.id, for_update=True
    )
    if row.payload["problems"]:
        flash("花名册中有错误的行：请改正后重新上传（一行也没有写入）。")
        return redirect(url_for("roster.preview", token=token))
    mark_committed(row)
    pins = service.commit_roster(
        session,
        _org(),
        [service.row_from_dict(d) for d in row.payload["rows"]],
        row.payload["new_departments"],
        recorded_by=current_user.id,
    )
    imported = len(row.payload["rows"])
    row.result = {"imported": imported, "pins_generated": len(pins)}
    xlsx = pins_workbook(pins) if pins else None
    response = make_response(
        render_template(
            "roster/pins.html",
            imported=imported,
            pins=pins,
            xlsx_url=f"data:{XLSX};base64,{base64.b64encode(xlsx).decode()}" if xlsx else None,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@require_role(*HR)
def edit(person_id: int):
    person = get_owned(Person, person_id)
    if person.organisation_id != _org():
        abort(404)
    form = _person_form(person, as_recorded=request.method == "GET")
    if form.validate_on_submit():
        person.name = form.name.data.strip()
        person.department_id = int(form.department.data) if form.department.data else None
        person.employment_type = form.employment_type.data
        person.active = form.active.data
        added = service.assign_posts(
            session, person, form.posts.data, on=clock.today(), recorded_by=current_user.id
        )
        for user in session.scalars(select(User).where(User.person_id == person.id)):
            user.display_name = person.name
            if user.active and not person.active:
                end_sessions(user)
            user.active = person.active
        flash(
            "已保存。"
            + (f"新岗位 {'、'.join(added)} 已记为岗位变动（需重新进行车间级、班组级培训）。" if added else "")
        )
        return redirect(url_for("roster.edit", person_id=person.id))
    return _edit_page(person, form), (400 if request.method == "POST" else 200)


@bp.post("/people/<int:person_id>/pin")
@require_role(*HR)
def reset_pin(person_id: int):
    person = get_owned(Person, person_id)
    if person.organisation_id != _org() or not ActionForm().validate_on_submit():
        abort(404)
    pin = service.new_pin()
    person.pin_hash = hash_pin(pin)
    for user in session.scalars(select(User).where(User.person_id == person.id)):
        end_sessions(user)  # signed in with the old PIN
    return _edit_page(person, _person_form(person, as_recorded=True), new_pin=pin)


def _person_form(person: Person, *, as_recorded: bool) -> PersonForm:
    """The person's form with its choices: filled from the record, or else from what was posted."""
    form = PersonForm(formdata=None) if as_recorded else PersonForm()
    form.department.choices = _department_choices(person.department_id)
    form.posts.choices = [SelectChoice(p.code, p.name) for p in _posts()]
    if as_recorded:
        form.name.data = person.name
        form.department.data = str(person.department_id or "")
        form.posts.data = [pp.post.code for pp in person.posts]
        form.employment_type.data = person.employment_type
        form.active.data = person.active
    return form


def _edit_page(person: Person, form: PersonForm, new_pin: str | None = None) -> str:
    users = session.scalars(select(User).where(User.person_id == person.id)).all()
    return render_template(
        "roster/edit.html", person=person, form=form, users=users, action=ActionForm(), new_pin=new_pin
    )
