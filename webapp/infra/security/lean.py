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

A tablet sends the same cookie and CSRF token with every answer of a paper, and checking their signatures
(two HMACs, base64, zlib, JSON) costs more than storing the answer. So what a signature check proved is kept
per process, keyed by the exact signed text: the text's contents and the time it was signed. A text is only
kept once its signature checked out, and its age is checked against the lifetime on every use, as
itsdangerous checks it.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

from flask import Flask
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from werkzeug.http import parse_cookie

from webapp.infra.security.signin import SESSION_VERSION_KEY

KIOSK_KEY = "_kiosk_key"  # where a session in kiosk state keeps its key (webapp.inspections.kiosk_routes)


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    session_version: int


class _Checked:
    """Signed texts whose signature checked out: the text -> (its contents, when it was signed). Bounded:
    emptied when full (a room of tablets holds a few hundred cookies)."""

    def __init__(self, serializer: URLSafeTimedSerializer, size: int = 8192) -> None:
        self.serializer = serializer
        self.size = size
        self._kept: dict[str, tuple[object, int]] = {}

    def loads(self, text: str, max_age: int | None):
        """`serializer.loads(text, max_age=max_age)`: the contents, or BadData (None: no age limit)."""
        kept = self._kept.get(text)
        if kept is None:
            contents, signed_at = self.serializer.loads(text, max_age=max_age, return_timestamp=True)
            kept = (contents, int(signed_at.timestamp()))
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[text] = kept
            return contents
        contents, signed_at = kept
        if max_age is not None:  # as itsdangerous' TimestampSigner.unsign
            age = int(time.time()) - signed_at
            if age > max_age or age < 0:
                raise SignatureExpired("Signature age out of range")
        return contents


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
        self._sessions = _Checked(self.serializer) if self.serializer is not None else None
        self._csrf_tokens = _Checked(self.csrf_serializer)

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
            data = self._sessions.loads(value, self.max_age)  # type: ignore[union-attr]
        except BadData:
            return None
        if not isinstance(data, dict):
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
            token = self._csrf_tokens.loads(sent, self.app.config.get("WTF_CSRF_TIME_LIMIT", 3600))
        except BadData:
            return False
        return isinstance(token, str) and hmac.compare_digest(kept, token)
