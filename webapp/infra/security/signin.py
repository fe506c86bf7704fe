"""Sign-in: sessions (signing out ends them everywhere), bearer API tokens, and the wiring into the app
(login manager, CSRF, error handlers)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, current_app, g, has_request_context, make_response, request
from flask_login import LoginManager, current_user, logout_user, user_logged_in
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload, object_session
from werkzeug.exceptions import HTTPException, Unauthorized

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import error_response
from webapp.infra.security.access import _unauthorized

csrf = CSRFProtect()
login_manager = LoginManager()


# --- sessions: signing out ends them everywhere -----------------------------------------------------------

SESSION_VERSION_KEY = "_session_version"


def _remember_session_version(_sender, user, **_extra) -> None:
    from flask import session as cookie

    cookie[SESSION_VERSION_KEY] = user.session_version


def _signed_in_by_session(user) -> bool:
    return current_user.is_authenticated and current_user.id == user.id and not g.get("auth_by_token", False)


def end_sessions(user, *, keep_current: bool = True) -> None:
    """End every session `user` signed in with before (other browsers, copied cookies): bump their
    `session_version`, which the user loader compares with the one stored at sign-in. With `keep_current`,
    the session making this request, if it is the user's own, stays signed in (an admin resetting their own
    password). Bearer tokens are not sessions and are not affected."""
    from flask import session as cookie

    from webapp.org.models import User

    user.session_version = User.session_version + 1  # in SQL: two bumps at once both count
    (object_session(user) or session).flush()
    if keep_current and has_request_context() and _signed_in_by_session(user):
        cookie[SESSION_VERSION_KEY] = user.session_version  # reloaded after the flush


def sign_out() -> None:
    """Sign the current user out here and in every other session of theirs (a copy of this cookie too)."""
    if current_user.is_authenticated and not g.get("auth_by_token", False):
        end_sessions(current_user._get_current_object(), keep_current=False)  # type: ignore[attr-defined]
    logout_user()


# --- bearer tokens ---------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user, name: str) -> str:
    """Create a token for `user`; returns the plaintext (shown once), stores its hash."""
    from webapp.org.models import ApiToken

    token = "qb_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token), created_at=clock.now()))
    session.flush()
    return token


def _bearer_user():
    from webapp.org.models import ApiToken

    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    from webapp.org.models import User

    row = (
        session.scalars(
            select(ApiToken)
            .where(ApiToken.token_hash == _token_hash(header[7:].strip()))
            .options(joinedload(ApiToken.user).joinedload(User.role_rows))
        )
        .unique()
        .one_or_none()
    )
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.user.organisation.suspended_at is not None:
        return None
    g.auth_by_token = True
    _touch_token(row)
    return row.user


TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)  # "last used" is kept to the minute: no write per request


def _touch_token(row) -> None:
    """Record when the token was last used, at most once per TOKEN_TOUCH_INTERVAL. A writing request
    updates it in its own transaction (it holds the write lock already); a read (GET) in a short one of
    its own, so reads stay read-only. The WHERE keeps concurrent processes from writing it twice."""
    from webapp.org.models import ApiToken

    now = clock.now()
    if row.last_used_at is not None and now - row.last_used_at < TOKEN_TOUCH_INTERVAL:
        return
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        row.last_used_at = now
        return
    from webapp.infra.db import transaction

    stale = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOKEN_TOUCH_INTERVAL)
    with transaction(current_app._get_current_object()) as s:  # type: ignore[attr-defined]
        s.execute(update(ApiToken).where(ApiToken.id == row.id, stale).values(last_used_at=now))


# --- wiring ----------------------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # we call protect() ourselves (bearer exemption)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(user_id: str):
        from flask import session as cookie

        from webapp.org.models import User

        if not user_id.isdigit():
            return None
        # The user and their roles in one statement: this runs on every signed-in request.
        user = (
            session.scalars(
                select(User)
                .where(User.id == int(user_id))
                .options(joinedload(User.role_rows), joinedload(User.organisation))
            )
            .unique()
            .one_or_none()
        )
        if user is None or not user.active or cookie.get(SESSION_VERSION_KEY) != user.session_version:
            return None
        if user.organisation.suspended_at is not None:  # suspended by the platform operator
            return None
        return user

    user_logged_in.connect(_remember_session_version, app)

    @login_manager.request_loader
    def _load_from_header(_request):
        return _bearer_user()

    @login_manager.unauthorized_handler
    def _unauth():
        return _unauthorized()

    @app.before_request
    def _csrf():
        if not app.config.get("WTF_CSRF_ENABLED", True) or request.method in ("GET", "HEAD", "OPTIONS"):
            return
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "csrf_exempt", False):
            return
        if (
            request.path.startswith("/api/")
            and view is not None
            and getattr(view, "access", None) != "public"
            and not request.headers.get("Authorization")
            and not current_user.is_authenticated
        ):
            raise Unauthorized("请先登录")  # who you are comes before whether the form is fresh
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            if current_user.is_authenticated and g.get("auth_by_token"):
                return
            raise Unauthorized("无效的访问令牌")
        csrf.protect()

    @app.errorhandler(CSRFError)
    def _csrf_error(e: CSRFError):
        return error_response(400, "csrf", "页面已过期或缺少安全令牌，请刷新页面后重试。")

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        response = make_response(
            error_response(e.code or 500, getattr(e, "error_code", None) or _code_name(e), e.description)
        )
        if getattr(e, "retry_after", None):
            response.headers["Retry-After"] = str(e.retry_after)
        return response


def _code_name(e: HTTPException) -> str:
    return (e.name or "error").lower().replace(" ", "_")
