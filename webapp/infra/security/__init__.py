"""Who may do what: sign-in plumbing, roles, organisation scoping, CSRF. Reuse these in every blueprint.

Every view declares who may use it, with exactly one of these decorators (a test walks `app.url_map` and
fails on a view without one):

- ``@public`` — anyone, signed in or not (login page, certificate verification).
- ``@require_role("trainer", "admin")`` — signed in with at least one of the roles; otherwise 401
  (JSON under /api/, a redirect to the sign-in page elsewhere) or 403.
- ``@signed_in`` — any signed-in user, whatever their roles.

Objects belong to an organisation (`organisation_id`); nobody sees another organisation's rows unless an
inspector was granted it (`inspector_grants`):

- ``visible_org_ids()`` — the organisations the current user may see (own + inspector grants).
- ``scoped(select(Model), Model)`` — adds ``WHERE Model.organisation_id IN visible_org_ids()``.
- ``get_owned(Model, id)`` — the row, or 404 when missing or of an organisation the user may not see
  (404, not 403: another enterprise's ids are not confirmed to exist).
- ``current_person()`` — the Person behind the signed-in worker, or None.

CSRF: every POST/PUT/PATCH/DELETE needs the token (form field ``csrf_token`` or header ``X-CSRFToken``),
except requests authenticated with a bearer token (``Authorization: Bearer <token>``, see
`create_api_token`) and views marked ``@csrf_exempt`` (only the JSON login).

Passwords are hashed with full-cost scrypt (werkzeug). PINs are short secrets whose protection is the
sign-in throttle, not the hash: they use a cheaper but still salted scrypt (`PIN_HASH_METHOD`) so a roster
of a thousand people imports in seconds; a check reads either kind (older full-cost PIN hashes still work). Failed sign-ins are counted per account, per address
and per PIN key in the `login_throttle` table, so every app process shares the limit.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_app_context, has_request_context, redirect, request, url_for
from flask_login import LoginManager, current_user, logout_user, user_logged_in
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import joinedload, object_session
from werkzeug.exceptions import Forbidden, HTTPException, NotFound, Unauthorized
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.infra import clock
from webapp.infra.db import keep_changes_on_error, session
from webapp.infra.errors import error_response, wants_json

csrf = CSRFProtect()
login_manager = LoginManager()
F = TypeVar("F", bound=Callable[..., Any])

HASH_METHOD = "scrypt"  # werkzeug's default cost: N=2**15, r=8, p=1 (~0.1 s)
PIN_HASH_METHOD = "scrypt:4096:8:1"  # N=2**12 (~10 ms): salted, 8× cheaper than a password


# --- passwords and PINs ----------------------------------------------------------------------------------


def _method(config_key: str, default: str) -> str:
    return current_app.config.get(config_key, default) if has_app_context() else default


def hash_secret(secret: str) -> str:
    """A password's hash (full cost)."""
    return generate_password_hash(secret, method=_method("PASSWORD_HASH_METHOD", HASH_METHOD))


def hash_pin(pin: str) -> str:
    """A PIN's hash (cheaper KDF, still salted; PIN_HASH_METHOD in the config overrides)."""
    return generate_password_hash(pin, method=_method("PIN_HASH_METHOD", PIN_HASH_METHOD))


_DUMMY_HASHES: dict[str, str] = {}


def check_secret(hash_: str | None, secret: str, *, pin: bool = False) -> bool:
    """Does `secret` match `hash_` (any werkzeug method: full-cost or PIN-cost)? Constant work whether or
    not the account exists (no timing oracle on usernames): a missing hash is checked against a dummy of
    the same kind (`pin=True` for PINs)."""
    if not hash_:
        kind = "pin" if pin else "password"
        if kind not in _DUMMY_HASHES:
            _DUMMY_HASHES[kind] = (hash_pin if pin else hash_secret)(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASHES[kind], secret)
        return False
    return check_password_hash(hash_, secret)


# --- access decorators -----------------------------------------------------------------------------------


def _mark(view: Callable, access: str, roles: frozenset[str] = frozenset()) -> None:
    view.access = access  # type: ignore[attr-defined]
    view.roles = roles  # type: ignore[attr-defined]


def public(view: F) -> F:
    _mark(view, "public")
    return view


def _unauthorized():
    if wants_json():
        raise Unauthorized("请先登录")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def signed_in(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _unauthorized()
        return view(*args, **kwargs)

    _mark(wrapper, "signed_in")
    return wrapper  # type: ignore[return-value]


def require_role(*roles: str) -> Callable[[F], F]:
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _unauthorized()
            if not current_user.has_role(*allowed):
                raise Forbidden("您没有权限访问此页面")
            return view(*args, **kwargs)

        _mark(wrapper, "roles", allowed)
        return wrapper  # type: ignore[return-value]

    return decorate


def csrf_exempt(view: F) -> F:
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


# --- organisation scoping --------------------------------------------------------------------------------


def visible_org_ids() -> frozenset[int]:
    if not current_user.is_authenticated:
        return frozenset()
    if "visible_org_ids" not in g:
        from webapp.org.models import InspectorGrant

        ids = {current_user.organisation_id}
        if current_user.has_role("inspector"):
            ids.update(
                session.scalars(
                    select(InspectorGrant.organisation_id).where(InspectorGrant.user_id == current_user.id)
                )
            )
        g.visible_org_ids = frozenset(ids)
    return g.visible_org_ids


def _org_column(model: Any):
    return model.id if model.__name__ == "Organisation" else model.organisation_id


def scoped(query: Select, model: Any, orgs: Iterable[int] | None = None) -> Select:
    """Rows of the visible organisations; for tables where organisation may be null (built-in posts,
    plugin question sets and their questions) the shared rows too."""
    ids = visible_org_ids() if orgs is None else frozenset(orgs)
    column = _org_column(model)
    if getattr(column, "nullable", False):
        return query.where(column.in_(ids) | column.is_(None))
    return query.where(column.in_(ids))


def get_owned(model: type, id_: Any, *, with_for_update: Any = None) -> Any:
    """The row, or 404 when it is missing or belongs to an organisation the user may not see
    (rows with a null organisation are shared built-ins and visible to all). `with_for_update` as for
    `Session.get` (read afresh and locked)."""
    obj = session.get(model, id_, with_for_update=with_for_update)
    if obj is None:
        raise NotFound("没有找到")
    org_id = obj.id if type(obj).__name__ == "Organisation" else obj.organisation_id
    if org_id is not None and org_id not in visible_org_ids():
        raise NotFound("没有找到")
    return obj


def current_person():
    if not current_user.is_authenticated or current_user.person_id is None:
        return None
    return current_user.person


# --- next= validation ------------------------------------------------------------------------------------


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths: '/exams/3' yes; '//evil', 'https://…', '/\\evil', 'javascript:' no."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


# --- the login throttle ----------------------------------------------------------------------------------


class Throttled(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until

    @property
    def message(self) -> str:
        return f"登录失败次数过多，请于 {clock.format_local(self.until, '%H:%M')} 后再试。"


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def throttle_keys(kind: str, name: str) -> list[tuple[str, int]]:
    cfg = current_app.config
    return [
        (f"{kind}:{name}"[:200], cfg["LOGIN_LIMIT_PER_ACCOUNT"]),
        (f"addr:{request.remote_addr or '-'}", cfg["LOGIN_LIMIT_PER_ADDRESS"]),
    ]


def check_throttle(keys: list[tuple[str, int]]) -> None:
    """Raise Throttled when any key has used up its failures in the current window."""
    from webapp.org.models import LoginThrottle

    now = clock.now()
    for key, limit in keys:
        row = session.get(LoginThrottle, key)
        if row and row.window_start + _window() > now and row.count >= limit:
            raise Throttled(row.window_start + _window())


def record_failure(keys: list[tuple[str, int]]) -> None:
    from webapp.org.models import LoginThrottle

    now = clock.now()
    for key, _limit in keys:
        row = session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            session.add(LoginThrottle(key=key, window_start=now, count=1))
        elif row.window_start + _window() <= now:
            row.window_start, row.count = now, 1
        else:
            row.count += 1
    session.flush()
    keep_changes_on_error()


def clear_failures(keys: list[tuple[str, int]]) -> None:
    """A successful sign-in clears its account key (not the address: one good password must not reset it)."""
    from webapp.org.models import LoginThrottle

    row = session.get(LoginThrottle, keys[0][0])
    if row is not None:
        session.delete(row)


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
            session.scalars(select(User).where(User.id == int(user_id)).options(joinedload(User.role_rows)))
            .unique()
            .one_or_none()
        )
        if user is None or not user.active or cookie.get(SESSION_VERSION_KEY) != user.session_version:
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
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            if current_user.is_authenticated and g.get("auth_by_token"):
                return
            raise Unauthorized("无效的访问令牌")
        csrf.protect()

    @app.before_request
    def _permanent_session():
        from flask import session as cookie

        cookie.permanent = True

    @app.errorhandler(CSRFError)
    def _csrf_error(e: CSRFError):
        return error_response(400, "csrf", "页面已过期或缺少安全令牌，请刷新页面后重试。")

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        return error_response(e.code or 500, getattr(e, "error_code", None) or _code_name(e), e.description)


def _code_name(e: HTTPException) -> str:
    return (e.name or "error").lower().replace(" ", "_")
