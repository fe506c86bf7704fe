"""The admin's pages for policy settings, API tokens, the signing key and the audit trail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from webapp.admin.blueprint import admin_only, bp, own_organisation
from webapp.admin.forms import (
    ActionForm,
    TokenForm,
)
from webapp.admin.service import audit, policy, tokens
from webapp.admin.service.signing_key import key_info
from webapp.infra.db import session
from webapp.org.models import User

# --- policy settings -------------------------------------------------------------------------------------


def _policy_page(values: dict[str, str], errors: dict[str, str] | None = None, status: int = 200):
    org = own_organisation()
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
    overrides = own_organisation().policy or {}
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
    if policy.save(session, own_organisation(), overrides, by=current_user.id):
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
