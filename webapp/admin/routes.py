"""The admin's home page, the organisation and its departments. Views are thin: webapp.admin.service does
the work. Users and grants are in users_routes, policy/tokens/signing key/audit in settings_routes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from webapp.admin.blueprint import admin_only, bp, own_organisation, own_row
from webapp.admin.forms import (
    ActionForm,
    DepartmentAddForm,
    DepartmentHeadForm,
    DepartmentMoveForm,
    DepartmentRenameForm,
    OrganisationForm,
)
from webapp.admin.service import accounts, audit, departments
from webapp.infra.db import session
from webapp.infra.nav import NavItem
from webapp.org.models import Department
from webapp.platform.service import overseers_of

NAV = [NavItem("admin.index", "系统管理", ("admin",), "企业与部门、用户与角色、规则设置、访问令牌、签名密钥")]


@bp.get("/")
@admin_only
def index():
    org = own_organisation()
    return render_template(
        "admin/index.html",
        org=org,
        users=accounts.search(session, org.id)[1],
        overrides=len(org.policy or {}),
        entries=audit.recent(session, org.id, limit=10),
        overseers=overseers_of(session, org.id),
        action_names=audit.ACTION_NAMES,
    )


# --- the organisation and its departments ---------------------------------------------------------------


def _row_forms(
    nodes: list[departments.Node],
) -> dict[int, tuple[DepartmentRenameForm, DepartmentMoveForm, DepartmentHeadForm]]:
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
        head = DepartmentHeadForm(formdata=None, head=d.head.username if d.head else "")
        out[d.id] = (DepartmentRenameForm(formdata=None, name=d.name), move, head)
    return out


def _organisation_page(status: int = 200, error: str | None = None, form: OrganisationForm | None = None):
    org = own_organisation()
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
    org = own_organisation()
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
    d = own_row(Department, department_id)

    def change(form):
        departments.rename(session, d, form.name.data, by=current_user.id)
        return f"已改名为“{d.name}”。"

    return _department_change(change, DepartmentRenameForm)


@bp.post("/departments/<int:department_id>/move")
@admin_only
def department_move(department_id: int):
    d = own_row(Department, department_id)

    def change(form):
        departments.move(session, d, _parent_id(form.parent.data), by=current_user.id)
        return f"已移动“{d.name}”。"

    return _department_change(change, DepartmentMoveForm)


@bp.post("/departments/<int:department_id>/head")
@admin_only
def department_head(department_id: int):
    d = own_row(Department, department_id)

    def change(form):
        who = (form.head.data or "").strip()
        head = departments.find_head(session, d.organisation_id, who) if who else None
        departments.set_head(session, d, head, by=current_user.id)
        return f"已设置“{d.name}”的负责人为 {head.display_name}。" if head else f"已取消“{d.name}”的负责人。"

    return _department_change(change, DepartmentHeadForm)


@bp.post("/departments/<int:department_id>/deactivate")
@admin_only
def department_deactivate(department_id: int):
    d = own_row(Department, department_id)

    def change(_form):
        departments.deactivate(session, d, by=current_user.id)
        return f"已停用“{d.name}”。"

    return _department_change(change)


@bp.post("/departments/<int:department_id>/reactivate")
@admin_only
def department_reactivate(department_id: int):
    d = own_row(Department, department_id)

    def change(_form):
        departments.reactivate(session, d, by=current_user.id)
        return f"已启用“{d.name}”。"

    return _department_change(change)


@bp.post("/departments/<int:department_id>/delete")
@admin_only
def department_delete(department_id: int):
    d = own_row(Department, department_id)

    def change(_form):
        name = d.name
        departments.delete(session, d, by=current_user.id)
        return f"已删除“{name}”。"

    return _department_change(change)
