"""The admin's pages: the organisation and its departments, users and roles, inspector grants, policy
settings, API tokens, the signing key and the audit trail. Admin only; an admin manages their own
organisation only (rows of any other organisation answer 404). Views are thin: webapp.admin.* do the work.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from webapp.admin.forms import (
    ActionForm,
    DepartmentAddForm,
    DepartmentMoveForm,
    DepartmentRenameForm,
    GrantForm,
    OrganisationForm,
    TokenForm,
    UserForm,
)
from webapp.admin.service import accounts, audit, departments, policy, tokens
from webapp.admin.service.signing_key import key_info
from webapp.infra.db import session
from webapp.infra.nav import NavItem
from webapp.infra.paging import page_count, page_number, pager_args
from webapp.infra.security import require_role
from webapp.org.models import ROLE_NAMES, ROLES, Department, Organisation, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
NAV = [NavItem("admin.index", "系统管理", ("admin",), "企业与部门、用户与角色、规则设置、访问令牌、签名密钥")]
admin_only = require_role("admin")


def _org() -> Organisation:
    org = session.get(Organisation, current_user.organisation_id)
    assert org is not None
    return org


def _own(model: type, id_: int):
    """A row of the admin's own organisation, else 404 (granted organisations are not administered)."""
    row = session.get(model, id_)
    if row is None or row.organisation_id != current_user.organisation_id:
        abort(404)
    return row


@bp.get("/")
@admin_only
def index():
    org = _org()
    return render_template(
        "admin/index.html",
        org=org,
        users=accounts.search(session, org.id)[1],
        overrides=len(org.policy or {}),
        entries=audit.recent(session, org.id, limit=10),
        action_names=audit.ACTION_NAMES,
    )


# --- the organisation and its departments ---------------------------------------------------------------


def _row_forms(nodes: list[departments.Node]) -> dict[int, tuple[DepartmentRenameForm, DepartmentMoveForm]]:
    """Per department, its rename and move forms; it may move under any active department outside its
    own subtree (in the depth-first list, the subtree is the run of deeper nodes right after it)."""
    out = {}
    for i, node in enumerate(nodes):
        d = node.department
        subtree = {d.id}
        for later in nodes[i + 1 :]:
            if later.depth <= node.depth:
                break
            subtree.add(later.department.id)
        move = DepartmentMoveForm(formdata=None, parent=str(d.parent_id or ""))
        move.parent.choices = [SelectChoice("", "（顶级）")] + [
            SelectChoice(str(n.department.id), "　" * n.depth + n.department.name)
            for n in nodes
            if n.department.active and n.department.id not in subtree
        ]
        out[d.id] = (DepartmentRenameForm(formdata=None, name=d.name), move)
    return out


def _organisation_page(status: int = 200, error: str | None = None, form: OrganisationForm | None = None):
    org = _org()
    nodes = departments.tree(session, org.id)
    # Only the form that was posted keeps what was typed; the others show the stored values.
    posted = request.endpoint == "admin.department_add"
    add_form = DepartmentAddForm() if posted else DepartmentAddForm(formdata=None)
    add_form.parent.choices = [SelectChoice("", "（顶级）")] + [
        SelectChoice(str(n.department.id), "　" * n.depth + n.department.name)
        for n in nodes
        if n.department.active
    ]
    return render_template(
        "admin/organisation.html",
        org=org,
        form=form or OrganisationForm(formdata=None, obj=org),
        add_form=add_form,
        nodes=nodes,
        row_forms=_row_forms(nodes),
        action=ActionForm(),
        error=error,
    ), status


@bp.get("/organisation")
@admin_only
def organisation():
    return _organisation_page()


@bp.post("/organisation")
@admin_only
def organisation_save():
    org = _org()
    form = OrganisationForm()
    if not form.validate_on_submit():
        return _organisation_page(400, form=form)
    before = {"name": org.name, "high_risk": org.high_risk}
    org.name, org.high_risk = form.name.data.strip(), bool(form.high_risk.data)
    after = {"name": org.name, "high_risk": org.high_risk}
    if before != after:
        audit.record(
            session, org.id, current_user.id, "organisation_changed", org.name, before=before, after=after
        )
    flash("企业信息已保存。")
    return redirect(url_for("admin.organisation"))


def _parent_id(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise departments.DepartmentRefused("所选的上级部门不存在。")
    return int(value)


def _department_change(change, form_class=ActionForm):
    form = form_class()
    if not form.validate_on_submit():
        errors = [e for errs in form.errors.values() for e in errs]
        return _organisation_page(400, "；".join(errors) or "表单有误，请重试。")
    try:
        message = change(form)
    except departments.DepartmentRefused as e:
        return _organisation_page(409, str(e))
    flash(message)
    return redirect(url_for("admin.organisation"))


@bp.post("/departments")
@admin_only
def department_add():
    def change(form):
        d = departments.add(
            session,
            current_user.organisation_id,
            form.name.data,
            _parent_id(form.parent.data),
            by=current_user.id,
        )
        return f"已新增部门“{d.name}”。"

    return _department_change(change, DepartmentAddForm)


@bp.post("/departments/<int:department_id>/rename")
@admin_only
def department_rename(department_id: int):
    d = _own(Department, department_id)

    def change(form):
        departments.rename(session, d, form.name.data, by=current_user.id)
        return f"已改名为“{d.name}”。"

    return _department_change(change, DepartmentRenameForm)


@bp.post("/departments/<int:department_id>/move")
@admin_only
def department_move(department_id: int):
    d = _own(Department, department_id)

    def change(form):
        departments.move(session, d, _parent_id(form.parent.data), by=current_user.id)
        return f"已移动“{d.name}”。"

    return _department_change(change, DepartmentMoveForm)


@bp.post("/departments/<int:department_id>/deactivate")
@admin_only
def department_deactivate(department_id: int):
    d = _own(Department, department_id)

    def change(_form):
        departments.deactivate(session, d, by=current_user.id)
        return f"已停用“{d.name}”。"

    return _department_change(change)


@bp.post("/departments/<int:department_id>/reactivate")
@admin_only
def department_reactivate(department_id: int):
    d = _own(Department, department_id)

    def change(_form):
        departments.reactivate(session, d, by=current_user.id)
        return f"已启用“{d.name}”。"

    return _department_change(change)


@bp.post("/departments/<int:department_id>/delete")
@admin_only
def department_delete(department_id: int):
    d = _own(Department, department_id)

    def change(_form):
        name = d.name
        departments.delete(session, d, by=current_user.id)
        return f"已删除“{name}”。"

    return _department_change(change)


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
    return _user_page(_own(User, user_id))


@bp.post("/users/<int:user_id>")
@admin_only
def user_save(user_id: int):
    user = _own(User, user_id)
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
    user = _own(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = accounts.reset_password(session, user, by=current_user.id)
    return render_template("admin/password.html", user=user, password=password, created=False)


@bp.post("/users/<int:user_id>/grants")
@admin_only
def grant_add(user_id: int):
    user = _own(User, user_id)
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
    user = _own(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    org = accounts.revoke_grant(session, user, grant_id, by=current_user.id)
    if org is None:
        abort(404)
    flash(f"已撤销对“{org.name}”的检查授权。")
    return redirect(url_for("admin.user", user_id=user.id))


# --- policy settings -------------------------------------------------------------------------------------


def _policy_page(values: dict[str, str], errors: dict[str, str] | None = None, status: int = 200):
    org = _org()
    return render_template(
        "admin/policy.html",
        org=org,
        fields=policy.policy_fields(),
        values=values,
        overrides=org.policy or {},
        errors=errors or {},
        form=ActionForm(),
        history=audit.recent(session, org.id, actions=("policy_changed",), limit=20),
        labels=policy.LABELS,
        display=policy.display,
    ), status


@bp.get("/policy")
@admin_only
def policy_page():
    overrides = _org().policy or {}
    return _policy_page({f.name: policy.form_value(f.name, overrides) for f in policy.policy_fields()})


@bp.post("/policy")
@admin_only
def policy_save():
    if not ActionForm().validate_on_submit():
        abort(400)
    values = {f.name: request.form.get(f.name, "") for f in policy.policy_fields()}
    try:
        overrides = policy.overrides_from_form(values)
    except policy.PolicyInvalid as e:
        return _policy_page(values, e.errors, 400)
    if policy.save(session, _org(), overrides, by=current_user.id):
        flash("规则设置已保存。")
    else:
        flash("没有改动。")
    return redirect(url_for("admin.policy_page"))


# --- API tokens ------------------------------------------------------------------------------------------


def _token_users() -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.organisation_id == current_user.organisation_id, User.active.is_(True))
            .order_by(User.username)
        )
    )


def _tokens_page(form: TokenForm | None = None, created: tuple | None = None, status: int = 200):
    form = form or TokenForm(formdata=None, user=str(current_user.id))
    form.user.choices = [SelectChoice(str(u.id), f"{u.display_name}（{u.username}）") for u in _token_users()]
    return render_template(
        "admin/tokens.html",
        form=form,
        tokens=tokens.tokens_of(session, current_user.organisation_id),
        created=created,
        action=ActionForm(),
    ), status


@bp.get("/tokens")
@admin_only
def tokens_page():
    return _tokens_page()


@bp.post("/tokens")
@admin_only
def token_create():
    form = TokenForm()
    if form.validate_on_submit():
        user_id = int(form.user.data) if (form.user.data or "").isdigit() else 0
        user = session.get(User, user_id)
        if user is None or user.organisation_id != current_user.organisation_id:
            form.user.errors = ["请选择本企业的用户。"]
        else:
            try:
                row, plaintext = tokens.create(session, user, form.name.data, by=current_user.id)
            except tokens.TokenRefused as e:
                form.name.errors = [str(e)]
            else:
                return _tokens_page(created=(row, plaintext), status=201)
    return _tokens_page(form=form, status=400)


@bp.post("/tokens/<int:token_id>/revoke")
@admin_only
def token_revoke(token_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    row = tokens.token_of(session, current_user.organisation_id, token_id)
    if row is None:
        abort(404)
    if tokens.revoke(session, row, by=current_user.id):
        flash(f"已吊销令牌“{row.name}”：使用它的请求将被拒绝。")
    return redirect(url_for("admin.tokens_page"))


# --- signing key and audit trail -------------------------------------------------------------------------


@bp.get("/signing-key")
@admin_only
def signing_key():
    return render_template("admin/signing_key.html", key=key_info())


@bp.get("/audit")
@admin_only
def audit_log():
    return render_template(
        "admin/audit.html",
        entries=audit.recent(session, current_user.organisation_id, limit=200),
        action_names=audit.ACTION_NAMES,
    )
