"""HTTP hardening: security headers on every response, nothing sensitive kept by caches, the session
cookie's flags, a fresh session at sign-in, proxy headers trusted only when configured, the secret key file,
a clear answer to an upload that is too large, and the JSON login refusing what a cross-site form can send."""

from __future__ import annotations

import io
import os
import stat

import pytest

from tests.webapp.base_builders import make_org, make_user, make_worker
from tests.webapp.builders import make_post_with_questions


@pytest.fixture
def people(db) -> dict:
    org = make_org(db, "甲企业")
    post = make_post_with_questions(db, "welding", "电焊工", per_type=12)
    make_worker(db, org, "w1", post)
    make_user(db, org, "admin1", ("admin",))
    make_user(db, org, "t1", ("trainer",))
    db.commit()
    return {"org": org.id}


def _csp(response) -> dict[str, str]:
    out = {}
    for part in response.headers.get("Content-Security-Policy", "").split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            out[name] = value
    return out


@pytest.mark.parametrize("url", ["/login", "/api/v1/openapi.json", "/verify", "/no-such-page"])
def test_every_response_forbids_sniffing_framing_and_foreign_sources(client, url):
    r = client.get(url)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"  # the verify URL carries a token
    csp = _csp(r)
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["script-src"] == "'self'"  # no inline script: every script is a static file
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'" and csp["form-action"] == "'self'"


def test_no_template_has_inline_script_or_event_handler_attributes():
    """The CSP allows scripts from static files only: an inline one would silently not run."""
    import re
    from pathlib import Path

    import webapp

    bad = []
    for path in (Path(webapp.__file__).parent / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            bad.append(path.name)
    assert bad == []


def test_attempt_responses_and_signed_in_pages_are_not_stored_by_caches(client, people):
    client.sign_in("w1")
    r = client.post("/api/v1/attempts", json={"practice": {"post": "welding"}})
    assert r.status_code == 201
    attempt_id = r.get_json()["id"]
    for url in (f"/api/v1/attempts/{attempt_id}", f"/attempts/{attempt_id}", "/exams"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "no-store" in r.headers["Cache-Control"], url
        assert "ETag" not in r.headers, url
    assert "no-store" in r.headers["Cache-Control"]
    assert "no-store" in client.post(f"/api/v1/attempts/{attempt_id}/submit").headers["Cache-Control"]


def test_a_password_shown_once_is_not_stored_by_caches(client, people, db):
    from webapp.org.models import User

    client.sign_in("admin1")
    user_id = db.query(User).filter_by(username="t1").one().id
    db.commit()
    r = client.post(f"/admin/users/{user_id}/password")
    assert r.status_code == 200
    assert "no-store" in r.headers["Cache-Control"]


def test_static_files_may_be_cached(client):
    r = client.get("/static/app.css")
    assert r.status_code == 200
    assert "no-store" not in (r.headers.get("Cache-Control") or "")
    r.close()


def test_the_session_cookie_is_httponly_lax_and_not_secure_over_plain_http(client, people):
    r = client.post("/api/v1/login", json={"username": "w1", "password": "Passw0rd!"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_behind_https_the_session_cookie_is_secure(app_config, db, people):
    from webapp import create_app

    app = create_app({**app_config, "HTTPS": True})
    client = app.test_client()
    r = client.post("/api/v1/login", json={"username": "w1", "password": "Passw0rd!"})
    assert r.status_code == 200
    assert "Secure" in r.headers["Set-Cookie"]
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert "max-age" in client.get("/login").headers["Strict-Transport-Security"]


def test_https_is_read_from_the_environment_for_quizbank_serve(app_config, monkeypatch):
    from webapp import create_app

    monkeypatch.setenv("QUIZBANK_HTTPS", "1")
    assert create_app(dict(app_config)).config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("QUIZBANK_HTTPS", "0")
    assert create_app(dict(app_config)).config["SESSION_COOKIE_SECURE"] is False


def test_signing_in_starts_a_fresh_session(client, people):
    """A session planted before sign-in (its CSRF token known to whoever planted it) is not carried on."""
    before = client.token()
    with client.session_transaction() as s:
        s["planted"] = "x"
    r = client.post("/api/v1/login", json={"username": "w1", "password": "Passw0rd!"})
    assert r.status_code == 200
    assert r.get_json()["csrf_token"] != before
    with client.session_transaction() as s:
        assert "planted" not in s and "_user_id" in s
    client.csrf_token = before
    assert client.post("/api/v1/logout").status_code == 400  # the old token no longer works


def test_the_form_login_starts_a_fresh_session_too(client, people):
    from tests.webapp.base_builders import form_token

    token = form_token(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as s:
        s["planted"] = "x"
    r = client.post("/login", data={"username": "t1", "password": "Passw0rd!", "csrf_token": token})
    assert r.status_code == 302
    with client.session_transaction() as s:
        assert "planted" not in s and "_user_id" in s
    r = client.post("/logout", data={"csrf_token": token}, csrf=False)
    assert r.status_code == 400  # the token of the page before sign-in is void


def test_the_json_login_refuses_a_form_post(client, people):
    """A cross-site page can post a form (no preflight) but not application/json: the exemption holds."""
    r = client.post("/api/v1/login", data={"username": "w1", "password": "Passw0rd!"}, csrf=False)
    assert r.status_code == 400
    r = client.post(
        "/api/v1/login",
        data='{"username": "w1", "password": "Passw0rd!"}',
        content_type="text/plain",
        csrf=False,
    )
    assert r.status_code == 400
    with client.session_transaction() as s:
        assert "_user_id" not in s


def _address_key_count(app) -> int:
    from webapp.infra.db import database
    from webapp.org.models import LoginThrottle

    with database(app).sessionmaker() as s:
        return len([r for r in s.query(LoginThrottle).all() if r.key.startswith("addr:")])


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_configured(app, people):
    client = app.test_client()
    for i in range(3):
        client.post(
            "/api/v1/login",
            json={"username": "w1", "password": "wrong"},
            headers={"X-Forwarded-For": f"10.0.0.{i}"},
        )
    assert _address_key_count(app) == 1  # one address: the peer's, whatever the header claims


def test_with_a_configured_proxy_the_address_it_forwards_is_throttled(app_config, db, people):
    from webapp import create_app

    app = create_app({**app_config, "PROXY_COUNT": 1})
    client = app.test_client()
    for i in range(3):
        client.post(
            "/api/v1/login",
            json={"username": "w1", "password": "wrong"},
            headers={"X-Forwarded-For": f"10.0.0.{i}"},
        )
    assert _address_key_count(app) == 3


def test_the_generated_secret_key_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    from webapp import create_app

    monkeypatch.delenv("QUIZBANK_SECRET_KEY", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "DATABASE_URL": "sqlite://"})
    path = tmp_path / "inst" / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(app.config["SECRET_KEY"]) >= 64
    again = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "DATABASE_URL": "sqlite://"})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_an_upload_over_the_limit_gets_a_clear_answer(app, people):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    client = app.test_client()
    client.sign_in("t1")
    big = {"file": (io.BytesIO(b"x" * 4096), "big.xlsx"), "part": "general"}
    r = client.post("/bank/import", data=big, content_type="multipart/form-data")
    assert r.status_code == 413
    assert "上传的文件过大" in r.get_data(as_text=True)
    r = client.post("/api/v1/attempts", data=b"{" + b" " * 4096 + b"}", content_type="application/json")
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "request_entity_too_large"


def test_the_session_cookie_is_signed_again_only_when_it_changes(client, people):
    r = client.sign_in("w1", "Passw0rd!")
    assert "Expires=" in r.headers["Set-Cookie"], "a signed-in session outlives the browser (12 h)"
    for path in ("/api/v1/me", "/", "/api/v1/me"):
        r = client.get(path)
        assert r.status_code == 200 and "Set-Cookie" not in r.headers, path
    r = client.post("/api/v1/logout")
    assert "Set-Cookie" in r.headers, "signing out changes the session"
