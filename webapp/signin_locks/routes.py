"""The sign-in locks page: locked 工号 of the user's own enterprise, each with 解锁."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from webapp.admin.service import audit
from webapp.infra.db import session
from webapp.infra.nav import NavItem
from webapp.infra.security import get_owned, require_role
from webapp.org.models import Person
from webapp.signin_locks import service

bp = Blueprint("signin_locks", __name__, url_prefix="/sign-in-locks")
NAV = [NavItem("signin_locks.index", "登录解锁", ("trainer", "hr", "admin"), "解锁因 PIN 输错被锁定的工号")]
STAFF = ("trainer", "hr", "admin")


@bp.get("/")
@require_role(*STAFF)
def index():
    people = service.locked_people(session, current_user.organisation_id)
    return render_template("signin_locks/index.html", people=people, form=FlaskForm())


@bp.post("/<int:person_id>/unlock")
@require_role(*STAFF)
def unlock(person_id: int):
    person = get_owned(Person, person_id)
    if person.organisation_id != current_user.organisation_id or not FlaskForm().validate_on_submit():
        abort(404)
    was_locked = service.unlock_person(session, person)
    audit.record(
        session, person.organisation_id, current_user.id, "pin_unlocked", f"{person.name}（{person.employee_no}）",
        person_id=person.id, was_locked=was_locked,
    )  # fmt: skip
    flash(f"已解锁 {person.name}（{person.employee_no}），可以重新用工号和 PIN 登录。")
    return redirect(url_for("signin_locks.index"))
