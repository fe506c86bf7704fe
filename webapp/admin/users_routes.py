"""The admin's pages for users and roles, passwords and inspectors' grants."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from webapp.admin.blueprint import admin_only, bp, own_row
from webapp.admin.forms import (
    ActionForm,
    GrantForm,
    UserForm,
)
from webapp.admin.service import accounts
from webapp.infra.db import session
from webapp.infra.paging import page_count, page_number, pager_args
from webapp.org.models import ROLE_NAMES, ROLES, User

# --- users and roles -------------------------------------------------------------------------------------


@bp.get("/users")
@admin_only
def users():
    a = request.args
    page = page_number()
    rows, total = accounts.search(
        session,
        current_user.organisation_id,
        a.get("q", ""),
        a.get("role", ""),
        a.get("status", "active"),
        page,
    )
    return render_template(
        "admin/users.html",
        users=rows,
        total=total,
        page=page,
        pages=page_count(total, accounts.PER_PAGE),
        args=pager_args(),
        roles=ROLES,
        role_labels=accounts.role_labels,
    )


def _change(form: UserForm) -> accounts.UserChange:
    return accounts.UserChange(
        display_name=form.display_name.data or "",
        roles=frozenset(form.roles.data or ()),
        employee_no=form.employee_no.data or "",
        active=bool(form.active.data),
    )


def _refused(form, e: accounts.AccountRefused) -> None:
    field = getattr(form, e.field or "", None)
    if field is not None:
        field.errors = [*field.errors, e.message]
    else:
        form.form_errors.append(e.message)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def user_new():
    form = UserForm()
    if request.method == "GET":
        form.roles.data = ["worker"]
    if form.validate_on_submit():
        try:
            user, password = accounts.create(
                session,
                current_user.organisation_id,
                form.username.data or "",
                _change(form),
                by=current_user.id,
            )
        except accounts.AccountRefused as e:
            _refused(form, e)
        else:
            return render_template("admin/password.html", user=user, password=password, created=True)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_new.html", form=form), status


def _user_page(
    user: User, form: UserForm | None = None, grant_form: GrantForm | None = None, status: int = 200
):
    if form is None:
        form = UserForm(formdata=None, obj=user)
        form.roles.data = sorted(user.roles)
        form.employee_no.data = user.person.employee_no if user.person else ""
    grant_form = grant_form or GrantForm(formdata=None)
    grant_form.organisation.choices = [
        SelectChoice(str(o.id), o.name) for o in accounts.grantable_organisations(session, user)
    ]
    return render_template(
        "admin/user.html",
        user=user,
        form=form,
        grant_form=grant_form,
        grants=accounts.grants_of(session, user),
        action=ActionForm(),
        role_names=ROLE_NAMES,
    ), status


@bp.get("/users/<int:user_id>")
@admin_only
def user(user_id: int):
    return _user_page(own_row(User, user_id))


@bp.post("/users/<int:user_id>")
@admin_only
def user_save(user_id: int):
    user = own_row(User, user_id)
    form = UserForm()
    if form.validate_on_submit():
        try:
            accounts.update(session, user, _change(form), by=current_user)
        except accounts.AccountRefused as e:
            _refused(form, e)
        else:
            flash(f"已保存 {user.display_name}（{user.username}）。")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, form=form, status=400)


@bp.post("/users/<int:user_id>/password")
@admin_only
def user_password(user_id: int):
    user = own_row(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = accounts.reset_password(session, user, by=current_user.id)
    return render_template("admin/password.html", user=user, password=password, created=False)


@bp.post("/users/<int:user_id>/grants")
@admin_only
def grant_add(user_id: int):
    user = own_row(User, user_id)
    form = GrantForm()
    if form.validate_on_submit():
        try:
            org_id = int(form.organisation.data) if (form.organisation.data or "").isdigit() else 0
            accounts.grant(session, user, org_id, by=current_user.id)
        except accounts.AccountRefused as e:
            _refused(form, e)
        else:
            flash("已授权。")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, grant_form=form, status=400)


@bp.post("/users/<int:user_id>/grants/<int:grant_id>/revoke")
@admin_only
def grant_revoke(user_id: int, grant_id: int):
    user = own_row(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    org = accounts.revoke_grant(session, user, grant_id, by=current_user.id)
    if org is None:
        abort(404)
    flash(f"已撤销对“{org.name}”的检查授权。")
    return redirect(url_for("admin.user", user_id=user.id))
