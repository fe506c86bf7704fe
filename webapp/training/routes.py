"""Trainers' pages: the retraining queue (schedule a make-up or retraining exam for a case) and training
sessions with attendance; and the worker's home section: what they owe, scheduled exams, badge QR."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from quizbank import rules
from quizbank.certificates import qr_svg
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.nav import HOME_SECTIONS, NavItem
from webapp.infra.security import get_owned, require_role, scoped, visible_org_ids
from webapp.inspections.service import badge_path
from webapp.org.models import Department, Person, Post
from webapp.standing import service as standing_service
from webapp.training import service
from webapp.training.models import TrainingSession

bp = Blueprint("training", __name__, url_prefix="/training")
TRAINERS = ("trainer", "admin")
NAV = [
    NavItem("training.queue", "复训跟踪", TRAINERS, "补考、脱产培训、三违复训待办"),
    NavItem("training.sessions", "培训记录", TRAINERS, "登记培训班、签到与学时"),
]
__all__ = ["NAV", "bp"]


# --- the retraining queue ---------------------------------------------------------------------------------


@bp.get("")
@require_role(*TRAINERS)
def queue():
    items = service.queue(session, visible_org_ids())
    return render_template("training/queue.html", items=items, today=clock.today())


@bp.post("/cases/exam")
@require_role(*TRAINERS)
def schedule_exam():
    person = get_owned(Person, _int(request.form.get("person_id")))
    post = session.scalar(scoped(select(Post), Post).where(Post.code == request.form.get("post", "")))
    try:
        opened = date.fromisoformat(request.form.get("opened", ""))
    except ValueError:
        opened = None
    if post is None or opened is None:
        raise ApiError(400, "bad_request", "缺少岗位或事项日期")
    try:
        item = service.find_case(session, person, post, request.form.get("kind", ""), opened)
        exam = service.schedule_case_exam(session, item, by=current_user, now=clock.now())
    except ApiError as e:
        if e.code != 409:
            raise
        flash(e.description)
        return redirect(url_for("training.queue"))
    flash(
        f"已安排《{exam.title}》，截止 {clock.format_local(exam.closes_at)}。{person.name} 登录后即可在首页参加。"
    )
    return redirect(url_for("training.queue"))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "bad_request", "缺少人员") from None


# --- sessions ---------------------------------------------------------------------------------------------


@bp.get("/sessions")
@require_role(*TRAINERS)
def sessions():
    return render_template(
        "training/sessions.html",
        sessions=service.sessions(session, visible_org_ids()),
        levels=rules.TRAINING_LEVEL_NAMES,
    )


def _form_context(values: dict, error: str | None = None):
    departments = session.scalars(
        scoped(select(Department), Department).where(Department.active.is_(True)).order_by(Department.name)
    ).all()
    department_id = values.get("department_id") or ""
    query = scoped(select(Person), Person).where(Person.active.is_(True)).order_by(Person.employee_no)
    if department_id.isdigit():
        query = query.where(Person.department_id == int(department_id))
    people = session.scalars(query).all()
    posts = session.scalars(scoped(select(Post), Post).order_by(Post.name)).all()
    return {
        "values": values,
        "error": error,
        "levels": rules.TRAINING_LEVEL_NAMES,
        "departments": departments,
        "people": people,
        "posts": posts,
        "selected": set(request.values.getlist("person")),
    }


@bp.get("/sessions/new")
@require_role(*TRAINERS)
def new_session():
    values = {
        "level": request.args.get("level", "offduty"),
        "held_on": clock.today().isoformat(),
        "hours": request.args.get("hours", "8"),
        "department_id": request.args.get("department_id", ""),
        "title": "",
        "post": "",
        "trainer_name": current_user.display_name,
    }
    return render_template("training/session_form.html", **_form_context(values))


@bp.post("/sessions")
@require_role(*TRAINERS)
def create_session():
    form = request.form
    values = {
        k: form.get(k, "")
        for k in ("level", "title", "held_on", "hours", "department_id", "post", "trainer_name", "note")
    }
    try:
        hours = _number(form.get("hours"), "学时")
        try:
            held_on = date.fromisoformat(form.get("held_on", ""))
        except ValueError:
            raise service.BadSession("培训日期", "请填写日期（YYYY-MM-DD）") from None
        attendees = []
        for pid in form.getlist("person"):
            person = get_owned(Person, _int(pid))
            raw = form.get(f"hours-{person.id}") or form.get("hours")
            attendees.append((person, _number(raw, f"{person.name} 的学时")))
        orgs = {p.organisation_id for p, _ in attendees} or {current_user.organisation_id}
        if len(orgs) > 1:
            raise service.BadSession("参加人员", "一次培训只能登记同一企业的人员")
        post_code = form.get("post") or None
        if post_code and session.scalar(scoped(select(Post), Post).where(Post.code == post_code)) is None:
            raise service.BadSession("岗位", f"没有岗位 {post_code}")
        department_id = int(values["department_id"]) if values["department_id"].isdigit() else None
        if department_id is not None and not get_owned(Department, department_id).active:
            raise service.BadSession("部门", "该部门已停用")
        row = service.record_session(
            session, organisation_id=orgs.pop(), level=values["level"], title=values["title"], held_on=held_on,
            hours=hours, attendees=attendees, by=current_user, today=clock.today(), post_code=post_code,
            department_id=department_id, trainer_name=values["trainer_name"], note=values["note"],
        )  # fmt: skip
    except service.BadSession as e:
        return render_template("training/session_form.html", **_form_context(values, e.description)), 400
    flash(f"已登记培训《{row.title}》：{len(attendees)} 人，每人学时已计入培训档案。")
    return redirect(url_for("training.session_detail", session_id=row.id))


def _number(raw, field: str) -> float:
    try:
        value = float(str(raw).strip())
    except (TypeError, ValueError):
        raise service.BadSession(field, "请填写数字") from None
    if value != value:
        raise service.BadSession(field, "请填写数字")
    return value


@bp.get("/sessions/<int:session_id>")
@require_role(*TRAINERS)
def session_detail(session_id: int):
    row = get_owned(TrainingSession, session_id)
    post = session.scalar(select(Post).where(Post.code == row.post_code)) if row.post_code else None
    return render_template("training/session.html", row=row, post=post, levels=rules.TRAINING_LEVEL_NAMES)


# --- the worker's home page -------------------------------------------------------------------------------


def _worker_owed(user):
    if "worker" not in user.roles or user.person_id is None:
        return None
    person = user.person
    standings = standing_service.standings_of(session, [person]).get(person.id, [])
    badge_url = request.url_root.rstrip("/") + badge_path(person)
    return {
        "template": "training/_home_owed.html",
        "standings": standings,
        "scheduled": service.scheduled_for(session, person),
        "badge_qr": Markup(qr_svg(badge_url, box_size=4, border=2)),
        "badge_url": badge_url,
        "person": person,
    }


HOME_SECTIONS.append(_worker_owed)
