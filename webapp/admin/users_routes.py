"""The admin's pages for users and roles, passwords, and the outside inspectors the organisation lets in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from webapp.admin.blueprint import admin_only, bp, own_organisation, own_row
from webapp.admin.forms import ActionForm, OutsideInspectorForm, UserForm
from webapp.admin.service import accounts
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.paging import page_count, page_number, pager_args
from webapp.org.models import ROLE_NAMES, ROLES_BY_KIND, User

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
        outside=accounts.outside_inspectors(session, current_user.organisation_id),
        outside_form=OutsideInspectorForm(formdata=None),
        action=ActionForm(),
        users=rows,
        total=total,
        page=page,
        pages=page_count(total, accounts.PER_PAGE),
        args=pager_args(),
        roles=own_roles(),
        role_labels=accounts.role_labels,
    )


def own_roles() -> tuple[str, ...]:
    """The roles the admin's organisation gives (by its kind: enterprise or regulator)."""
    return ROLES_BY_KIND.get(own_organisation().kind, ())


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(r, ROLE_NAMES[r]) for r in own_roles()]


def _change(form: UserForm) -> accounts.UserChange:
    return accounts.UserChange(
        display_name=form.display_name.data or "",
        roles=frozenset(form.roles.data or ()),
        employee_no=form.employee_no.data or "",
        active=bool(form.active.data),
        email=form.email.data or "",
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
    form.roles.choices = role_choices()
    if request.method == "GET":
        form.roles.data = ["worker"] if "worker" in own_roles() else []
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


def _user_page(user: User, form: UserForm | None = None, status: int = 200):
    if form is None:
        form = UserForm(formdata=None, obj=user)
        form.roles.data = sorted(user.roles)
        form.employee_no.data = user.person.employee_no if user.person else ""
    form.roles.choices = role_choices()
    return render_template(
        "admin/user.html",
        user=user,
        form=form,
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
    form.roles.choices = role_choices()
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


# --- outside inspectors: this organisation lets a named inspector of another one in -----------------------


@bp.post("/outside-inspectors")
@admin_only
def outside_add():
    form = OutsideInspectorForm()
    if form.validate_on_submit():
        try:
            accounts.grant_outside(
                session, current_user.organisation_id, form.username.data or "", by=current_user.id,
                now=clock.now(),
            )  # fmt: skip
        except accounts.AccountRefused as e:
            flash(e.message)
        else:
            flash(f"已授权外部检查人员 {form.username.data.strip()} 检查本单位。")
    else:
        flash("请填写外部检查人员的登录名。")
    return redirect(url_for("admin.users") + "#outside")


@bp.post("/outside-inspectors/<int:grant_id>/revoke")
@admin_only
def outside_revoke(grant_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    user = accounts.revoke_outside(session, current_user.organisation_id, grant_id, by=current_user.id)
    if user is None:
        abort(404)
    flash(f"已撤销 {user.display_name}（{user.username}）对本单位的检查授权。")
    return redirect(url_for("admin.users") + "#outside")
