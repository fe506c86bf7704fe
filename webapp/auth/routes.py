"""Sign-in pages. The JSON login is in webapp.api."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Optional

from webapp.auth.service import (
    MIN_PASSWORD_LENGTH,
    LoginRefused,
    PasswordRefused,
    Throttled,
    authenticate,
    authenticate_pin,
    change_password,
)
from webapp.infra.bounds import MAX_ID
from webapp.infra.db import session
from webapp.infra.security import public, safe_next, sign_out, signed_in
from webapp.org.models import Organisation

bp = Blueprint("auth", __name__)

KIOSK_COOKIE = "kiosk_org"


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])


class PinForm(FlaskForm):
    organisation = IntegerField("企业编号", validators=[Optional()])
    employee_no = StringField("工号", validators=[DataRequired("请输入工号")])
    pin = PasswordField("PIN 码", validators=[DataRequired("请输入 PIN 码")])


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    again = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码")])


def _is_tablet() -> bool:
    """A shared tablet: a browser where a worker signed in with 工号 + PIN, or that was set up by opening the
    kiosk URL (/login/pin?org=N) once. Its sign-in page is the PIN one; staff choose 用户名和密码 there."""
    return bool(request.cookies.get(KIOSK_COOKIE, "").isdigit())


def _kiosk_org() -> int | None:
    """The tablet's organisation: ?org=, the cookie, or the only organisation there is."""
    for raw in (request.args.get("org"), request.cookies.get(KIOSK_COOKIE)):
        if raw and raw.isdigit() and int(raw) <= MAX_ID:
            return int(raw)
    if session.scalar(select(func.count(Organisation.id))) == 1:
        return session.scalar(select(Organisation.id))
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    if request.method == "GET" and _is_tablet() and request.args.get("by") != "password":
        return redirect(url_for("auth.login_pin", next=request.args.get("next") or None))
    error, wait = None, None
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except Throttled as e:
            error, wait = e.message, e.retry_after
        except LoginRefused as e:
            error = e.message
        else:
            login_user(user)
            return redirect(target)
    return _refused_for_now(render_template("auth/login.html", form=form, error=error, next=target), wait)


@bp.route("/login/pin", methods=["GET", "POST"])
@public
def login_pin():
    form = PinForm()
    org_id = _kiosk_org()
    if request.method == "GET" and org_id:
        form.organisation.data = org_id
    target = safe_next(request.args.get("next"))
    error, wait = None, None
    if form.validate_on_submit():
        org_id = form.organisation.data or org_id
        try:
            user = authenticate_pin(org_id, form.employee_no.data, form.pin.data)
        except Throttled as e:
            error, wait = e.message, e.retry_after
        except LoginRefused as e:
            error = e.message
        else:
            login_user(user)
            response = redirect(target)
            _remember_tablet(response, user.organisation_id)
            return response
    response = _refused_for_now(
        render_template("auth/login_pin.html", form=form, error=error, next=target, org_id=org_id), wait
    )
    chosen = request.args.get("org", "")
    if request.method == "GET" and chosen.isdigit() and session.get(Organisation, int(chosen)) is not None:
        _remember_tablet(response, int(chosen))  # the kiosk URL: this browser is a tablet from now on
    return response


def _refused_for_now(page: str, wait: int | None):
    """The sign-in page; 429 with Retry-After when the throttle asked to wait `wait` seconds."""
    response = make_response(page)
    if wait is not None:
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
    return response


def _remember_tablet(response, organisation_id: int) -> None:
    response.set_cookie(KIOSK_COOKIE, str(organisation_id), max_age=365 * 86400, samesite="Lax")


@bp.post("/logout")
@signed_in
def logout():
    kiosk = request.cookies.get(KIOSK_COOKIE)
    sign_out()
    flash("您已退出登录。")
    return redirect(url_for("auth.login_pin" if kiosk else "auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def password():
    """The signed-in user changes their own password (a worker signing in with a PIN has none)."""
    if g.get("auth_by_token", False):
        abort(403)  # a page for people in a browser, not for integrations
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    has_password = bool(user.password_hash)
    if request.method == "POST" and not has_password:
        abort(403)
    form = PasswordForm()
    error, status, wait = None, 200, None
    if request.method == "POST":
        if not form.validate():
            error, status = next(iter(form.errors.values()))[0], 400
        else:
            try:
                change_password(user, form.current.data, form.new.data, form.again.data)
            except Throttled as e:
                error, wait = e.message, e.retry_after
            except PasswordRefused as e:
                error, status = e.message, 400
            else:
                flash("密码已修改，其他设备上的登录已退出。")
                return redirect(url_for("home.index"))
    page = render_template(
        "auth/password.html",
        form=form,
        error=error,
        has_password=has_password,
        min_length=MIN_PASSWORD_LENGTH,
    )
    response = _refused_for_now(page, wait)
    if wait is None:
        response.status_code = status
    return response
