"""Who signed in, read from the request's environ without Flask: for the few requests served below the
framework (the exam answer path, `webapp.exams.lean`).

`SessionReader.signed_in(environ)` decodes the session cookie exactly as Flask's cookie session does
(the app's own signing serializer and lifetime) and checks the CSRF header exactly as Flask-WTF does (its
salt, secret and time limit, compared in constant time with the token kept in the session). It returns the
user id and the session version stored at sign-in, for the caller to check against the database in the
statement that does the work (active, same session version, organisation not suspended, role).

It answers None — "let Flask serve this request" — whenever anything is not the plain case: no or a bad
cookie, a bearer token, no CSRF header or a wrong one, a session in kiosk state (its lock is a row to read),
HTTPS with Flask-WTF's strict referrer check. Flask then gives the precise answer (401, 400 csrf, 403
kiosk_locked …). Flask-Login's "basic" session protection only marks a session whose address changed as
not fresh; nothing here reads freshness, so it is not recomputed.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import Flask
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.http import parse_cookie

from webapp.infra.security.signin import SESSION_VERSION_KEY

KIOSK_KEY = "_kiosk_key"  # where a session in kiosk state keeps its key (webapp.inspections.kiosk_routes)


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    session_version: int


class SessionReader:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        config = app.config
        self.csrf_headers = tuple(
            "HTTP_" + h.upper().replace("-", "_")
            for h in config.get("WTF_CSRF_HEADERS", ("X-CSRFToken", "X-CSRF-Token"))
        )
        self.csrf_field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        self.csrf_serializer = URLSafeTimedSerializer(
            config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token"
        )

    def signed_in(self, environ: dict) -> SignedIn | None:
        if "HTTP_AUTHORIZATION" in environ or self.serializer is None:
            return None
        config = self.app.config
        if environ.get("wsgi.url_scheme") == "https" and config.get("WTF_CSRF_SSL_STRICT", True):
            return None  # the referrer check: Flask-WTF's
        raw = environ.get("HTTP_COOKIE")
        if not raw:
            return None
        value = parse_cookie(raw).get(self.cookie_name)
        if not value:
            return None
        try:
            data = self.serializer.loads(value, max_age=self.max_age)
        except BadData:
            return None
        user_id, version = data.get("_user_id"), data.get(SESSION_VERSION_KEY)
        if not isinstance(user_id, str) or not user_id.isdigit() or type(version) is not int:
            return None
        if data.get(KIOSK_KEY):
            return None
        if config.get("WTF_CSRF_ENABLED", True) and not self._csrf_ok(environ, data):
            return None
        return SignedIn(int(user_id), version)

    def _csrf_ok(self, environ: dict, data: dict) -> bool:
        kept = data.get(self.csrf_field)
        sent = next((environ[h] for h in self.csrf_headers if environ.get(h)), None)
        if not kept or not sent:
            return False
        try:
            token = self.csrf_serializer.loads(sent, max_age=self.app.config.get("WTF_CSRF_TIME_LIMIT", 3600))
        except BadData:
            return False
        return isinstance(token, str) and hmac.compare_digest(kept, token)
