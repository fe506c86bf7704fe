"""HTTP hardening that holds for every response: security headers, no caching of dynamic responses, the
session cookie behind HTTPS, proxy headers trusted only when configured, a fresh session at sign-in.

Configuration (app config, or the environment for `quizbank serve`):

- ``HTTPS`` / ``QUIZBANK_HTTPS=1`` — the site is reached over https: the session cookie is ``Secure``,
  URLs are built with https and browsers are told to keep to https (HSTS).
- ``PROXY_COUNT`` / ``QUIZBANK_PROXY_COUNT=N`` — the app sits behind N reverse proxies: the client address
  and scheme are read from their ``X-Forwarded-For`` / ``X-Forwarded-Proto``. Without it those headers are
  ignored, so nobody picks their own address for the sign-in throttle.
"""

from __future__ import annotations

import os

from flask import Flask, g, request, session
from flask_login import user_logged_in
from werkzeug.middleware.proxy_fix import ProxyFix

# No CDN, no inline script (templates load static files only; a test keeps it so). Inline style attributes
# remain in templates and the server-drawn SVG charts, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # verify URLs carry a token: never sent to another site
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}
HSTS = "max-age=31536000"
# What Flask-Login keeps in the session, and the session version (webapp.infra.security); everything else is dropped when someone signs in.
LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds", "_session_version")


def _flag(app: Flask, key: str) -> bool:
    if key in app.config:
        return bool(app.config[key])
    return os.environ.get(f"QUIZBANK_{key}", "").strip().lower() in ("1", "true", "yes", "on")


def _proxy_count(app: Flask) -> int:
    raw = app.config.get("PROXY_COUNT", os.environ.get("QUIZBANK_PROXY_COUNT") or 0)
    try:
        return max(int(raw), 0)
    except (TypeError, ValueError):
        raise ValueError(f"QUIZBANK_PROXY_COUNT 应为整数（反向代理的层数），而不是 {raw!r}") from None


def fresh_session_at_sign_in(_sender, user, **_extra) -> None:
    """Sign-in keeps only what Flask-Login just stored: a session (and CSRF token) planted or seen before
    sign-in is not carried into the signed-in one."""
    kept = {k: session[k] for k in LOGIN_KEYS if k in session}
    session.clear()
    session.update(kept)
    # Lives PERMANENT_SESSION_LIFETIME from sign-in. Set here, not on every request: assigning it marks the
    # session modified, and a modified session is signed and sent again on every response.
    session.permanent = True
    g.pop("csrf_token", None)  # flask-wtf caches the request's token in g: the next one is new


def wrap_proxies(app: Flask) -> None:
    """Outermost, once every layer is in place (webapp.exams.lean serves below it): the client's address and
    scheme as the trusted proxies tell them."""
    proxies = _proxy_count(app)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    https = _flag(app, "HTTPS")
    app.config["HTTPS"] = https
    app.config["SESSION_COOKIE_SECURE"] = https
    app.config["REMEMBER_COOKIE_SECURE"] = https
    if https:
        app.config["PREFERRED_URL_SCHEME"] = "https"

    user_logged_in.connect(fresh_session_at_sign_in, app)

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint != "static":
            # Attempts, results, PINs and passwords shown once, tokens: nothing dynamic is kept by a cache.
            if "no-store" not in (response.headers.get("Cache-Control") or ""):
                response.headers["Cache-Control"] = "no-store"
            response.headers.pop("ETag", None)
        return response
