"""The platform operator's pages: organisations (create, rename, suspend), an organisation's first admin
with a one-time password, and regulators' jurisdictions. Operators only; views are thin."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from webapp.admin.service import audit
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.nav import NavItem
from webapp.infra.security import require_role
from webapp.org.models import ORG_KINDS, Jurisdiction, Organisation
from webapp.platform import service
from webapp.platform.forms import (
    ActionForm,
    EndForm,
    FirstAdminForm,
    JurisdictionForm,
    OrganisationNewForm,
    RenameForm,
)

bp = Blueprint("platform", __name__, url_prefix="/platform")
NAV = [
    NavItem(
        "platform.index",
        "单位管理",
        ("operator",),
        "创建、改名、暂停企业和监管部门，设置首个管理员，划定监管辖区",
    )
]
operator_only = require_role("operator")


def _managed(organisation_id: int) -> Organisation:
    org = service.managed(session, organisation_id)
    if org is None:
        abort(404)
    return org


@bp.get("/")
@operator_only
def index(form: OrganisationNewForm | None = None, status: int = 200):
    kind, q = request.args.get("kind", ""), request.args.get("q", "")
    return render_template(
        "platform/index.html",
        rows=service.organisations(session, clock.today(), kind, q),
        form=form or OrganisationNewForm(formdata=None),
        kinds=ORG_KINDS,
    ), status


@bp.post("/organisations")
@operator_only
def create():
    form = OrganisationNewForm()
    if form.validate_on_submit():
        try:
            org = service.create_organisation(
                session, form.kind.data, form.name.data or "", high_risk=bool(form.high_risk.data),
                by=current_user.id,
            )  # fmt: skip
        except service.PlatformRefused as e:
            form.name.errors = [*form.name.errors, e.message]
        else:
            flash(f"已创建{ORG_KINDS[org.kind]}“{org.name}”。请设置其首个管理员。")
            return redirect(url_for("platform.organisation", organisation_id=org.id))
    return index(form, 400)


def _org_page(org: Organisation, status: int = 200, **forms):
    jurisdiction_form = forms.get("jurisdiction_form") or JurisdictionForm(
        formdata=None, starts_on=clock.today()
    )
    if org.kind == "regulator":
        jurisdiction_form.enterprise.choices = [
            SelectChoice(str(r.organisation.id), r.organisation.name)
            for r in service.organisations(session, clock.today(), "enterprise")
        ]
        jurisdictions = service.jurisdictions_of(session, org)
    else:
        jurisdictions = service.overseers_of(session, org.id)
    return render_template(
        "platform/organisation.html",
        org=org,
        kinds=ORG_KINDS,
        today=clock.today(),
        rename_form=forms.get("rename_form") or RenameForm(formdata=None, name=org.name),
        admin_form=forms.get("admin_form") or FirstAdminForm(formdata=None),
        jurisdiction_form=jurisdiction_form,
        end_form=EndForm(formdata=None, ends_on=clock.today()),
        action=ActionForm(),
        jurisdictions=jurisdictions,
        admins=service.admin_count(session, org.id),
        entries=audit.recent(session, org.id, limit=20),
        action_names=audit.ACTION_NAMES,
    ), status


@bp.get("/organisations/<int:organisation_id>")
@operator_only
def organisation(organisation_id: int):
    return _org_page(_managed(organisation_id))


@bp.post("/organisations/<int:organisation_id>/rename")
@operator_only
def rename(organisation_id: int):
    org = _managed(organisation_id)
    form = RenameForm()
    if form.validate_on_submit():
        try:
            service.rename(session, org, form.name.data or "", by=current_user.id)
        except service.PlatformRefused as e:
            form.name.errors = [*form.name.errors, e.message]
        else:
            flash("已改名。")
            return redirect(url_for("platform.organisation", organisation_id=org.id))
    return _org_page(org, 400, rename_form=form)


@bp.post("/organisations/<int:organisation_id>/suspend")
@operator_only
def suspend(organisation_id: int):
    org = _managed(organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.suspend(session, org, by=current_user.id, now=clock.now())
    flash(f"已暂停“{org.name}”：其账号不能再登录。")
    return redirect(url_for("platform.organisation", organisation_id=org.id))


@bp.post("/organisations/<int:organisation_id>/reactivate")
@operator_only
def reactivate(organisation_id: int):
    org = _managed(organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.reactivate(session, org, by=current_user.id)
    flash(f"已恢复“{org.name}”。")
    return redirect(url_for("platform.organisation", organisation_id=org.id))


@bp.post("/organisations/<int:organisation_id>/first-admin")
@operator_only
def first_admin(organisation_id: int):
    org = _managed(organisation_id)
    form = FirstAdminForm()
    if form.validate_on_submit():
        try:
            user, password = service.first_admin(
                session, org, form.username.data or "", form.display_name.data or "", by=current_user.id
            )
        except service.PlatformRefused as e:
            form.username.errors = [*form.username.errors, e.message]
            flash(e.message)
        else:
            return render_template("platform/password.html", org=org, user=user, password=password)
    return _org_page(org, 400, admin_form=form)


@bp.post("/organisations/<int:organisation_id>/jurisdictions")
@operator_only
def assign(organisation_id: int):
    regulator = _managed(organisation_id)
    form = JurisdictionForm()
    if form.validate_on_submit():
        enterprise = (
            service.managed(session, int(form.enterprise.data)) if form.enterprise.data.isdigit() else None
        )
        try:
            if enterprise is None:
                raise service.PlatformRefused("请选择企业。", "enterprise")
            service.assign(
                session, regulator, enterprise, form.starts_on.data, form.ends_on.data,
                by=current_user.id, now=clock.now(),
            )  # fmt: skip
        except service.PlatformRefused as e:
            getattr(form, e.field or "enterprise", form.enterprise).errors = [e.message]
        else:
            flash(f"已将“{enterprise.name}”划入“{regulator.name}”的辖区。")
            return redirect(url_for("platform.organisation", organisation_id=regulator.id))
    return _org_page(regulator, 400, jurisdiction_form=form)


@bp.post("/jurisdictions/<int:jurisdiction_id>/end")
@operator_only
def end(jurisdiction_id: int):
    row = session.get(Jurisdiction, jurisdiction_id)
    if row is None:
        abort(404)
    form = EndForm()
    if not form.validate_on_submit():
        flash("请填写结束日期（年-月-日）。")
    else:
        try:
            service.end_jurisdiction(session, row, form.ends_on.data, by=current_user.id)
        except service.PlatformRefused as e:
            flash(e.message)
        else:
            flash(f"“{row.enterprise.name}”在“{row.regulator.name}”辖区内至 {row.ends_on} 止。")
    return redirect(url_for("platform.organisation", organisation_id=row.regulator_id))
