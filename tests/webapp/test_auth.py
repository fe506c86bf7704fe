"""Sign-in: passwords, PINs, the shared rate limit, `next` validation, bearer tokens, organisation scoping."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from tests.webapp.base_builders import (
    TEST_PASSWORD,
    form_token,
    make_org,
    make_person,
    make_post,
    make_user,
    make_worker,
)
from webapp.infra.security import create_api_token, get_owned, require_role
from webapp.org.models import Organisation


@pytest.fixture
def org(db):
    org = make_org(db, "甲企业")
    db.commit()
    return org


def _form_login(client, username, password, next_=None):
    page = client.get("/login")
    url = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(
        url, data={"username": username, "password": password, "csrf_token": form_token(page.get_data(True))}
    )


def test_password_login_redirects_home_and_a_wrong_password_is_refused_in_chinese(db, org, client):
    make_user(db, org, "trainer1", ("trainer",))
    db.commit()
    r = _form_login(client, "trainer1", "nope")
    assert r.status_code == 200 and "用户名或密码错误" in r.get_data(True)
    r = _form_login(client, "trainer1", TEST_PASSWORD)
    assert r.status_code == 302 and r.location == "/"


@pytest.mark.parametrize(
    "next_,expected",
    [
        ("/exams/3", "/exams/3"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("exams", "/"),
    ],
)
def test_next_accepts_only_same_site_relative_paths(db, org, client, next_, expected):
    make_user(db, org, "hr1", ("hr",))
    db.commit()
    r = _form_login(client, "hr1", TEST_PASSWORD, next_=next_)
    assert r.status_code == 302 and r.location == expected


def test_five_failures_lock_the_account_for_fifteen_minutes_even_with_the_right_password(db, org, app, clock):
    make_user(db, org, "w1", ("worker",))
    db.commit()
    client = app.test_client()
    for _ in range(5):
        assert client.post("/api/v1/login", json={"username": "w1", "password": "bad"}).status_code == 401
    r = client.post("/api/v1/login", json={"username": "w1", "password": TEST_PASSWORD})
    assert r.status_code == 429
    assert (
        "登录失败次数过多" in r.get_json()["error"]["message"]
        and "后再试" in r.get_json()["error"]["message"]
    )
    clock.advance(minutes=16)
    assert client.post("/api/v1/login", json={"username": "w1", "password": TEST_PASSWORD}).status_code == 200


def test_the_limit_is_kept_in_the_database_so_every_app_process_shares_it(db, org, app, app_config):
    from webapp import create_app

    make_user(db, org, "w2", ("worker",))
    db.commit()
    other_process = create_app(app_config)
    other_process.test_client_class = type(app.test_client())
    for _ in range(5):
        app.test_client().post("/api/v1/login", json={"username": "w2", "password": "bad"})
    r = other_process.test_client().post("/api/v1/login", json={"username": "w2", "password": TEST_PASSWORD})
    assert r.status_code == 429


def test_a_worker_signs_in_on_a_tablet_with_employee_number_and_pin(db, org, client):
    post = make_post(db)
    make_person(db, org, "李四", "A-0007", posts=[post], pin="4321")
    db.commit()
    page = client.get("/login/pin")
    token = form_token(page.get_data(True))
    r = client.post("/login/pin", data={"employee_no": "A-0007", "pin": "0000", "csrf_token": token})
    assert "工号或 PIN 码错误" in r.get_data(True)
    r = client.post("/login/pin", data={"employee_no": "A-0007", "pin": "4321", "csrf_token": token})
    assert r.status_code == 302
    me = client.get("/api/v1/me").get_json()["user"]
    assert me["name"] == "李四" and me["roles"] == ["worker"]


def test_pin_guessing_is_rate_limited(db, org, client):
    make_person(db, org, "王五", "B-1", pin="2468")
    db.commit()
    token = form_token(client.get("/login/pin").get_data(True))
    for _ in range(5):
        client.post("/login/pin", data={"employee_no": "B-1", "pin": "1111", "csrf_token": token})
    r = client.post("/login/pin", data={"employee_no": "B-1", "pin": "2468", "csrf_token": token})
    assert "登录失败次数过多" in r.get_data(True)


def test_json_login_returns_the_user_and_a_csrf_token_that_later_writes_need(db, org, client):
    make_user(db, org, "admin1", ("admin",), display_name="管理员")
    db.commit()
    r = client.post("/api/v1/login", json={"username": "admin1", "password": TEST_PASSWORD})
    body = r.get_json()
    assert body["user"]["name"] == "管理员" and body["user"]["roles"] == ["admin"] and body["csrf_token"]
    assert client.post("/api/v1/logout", csrf=False).status_code == 400
    assert client.post("/api/v1/logout", headers={"X-CSRFToken": body["csrf_token"]}).status_code == 204


def test_a_bearer_token_authenticates_without_csrf_and_a_wrong_one_is_refused(db, org, app):
    user = make_user(db, org, "integration", ("hr",))
    db.commit()
    with app.test_request_context():
        from webapp.infra.db import session

        token = create_api_token(session.get(type(user), user.id), "erp")
        session.commit()
    client = app.test_client()
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.get_json()["user"]["username"] == "integration"
    assert client.post("/api/v1/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer qb_forged"}).status_code == 401


def test_objects_of_another_organisation_are_not_found(db, app):
    mine, theirs = make_org(db, "甲"), make_org(db, "乙")
    make_user(db, mine, "t-mine", ("trainer",))
    db.commit()
    bp = Blueprint("probe", __name__)

    @bp.get("/probe/org/<int:org_id>")
    @require_role("trainer")
    def show(org_id):
        return jsonify(name=get_owned(Organisation, org_id).name)

    app.register_blueprint(bp)
    client = app.test_client()
    client.sign_in("t-mine")
    assert client.get(f"/probe/org/{mine.id}").get_json() == {"name": "甲"}
    assert client.get(f"/probe/org/{theirs.id}").status_code == 404


def test_api_errors_are_json_with_code_and_message(client):
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and set(r.get_json()["error"]) == {"code", "message"}
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.get_json()["error"]["code"]


def test_session_and_csrf_outlive_a_ninety_minute_exam(app):
    assert app.permanent_session_lifetime.total_seconds() >= 12 * 3600
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_a_built_worker_is_a_person_named_after_the_username(db, org):
    u = make_worker(db, org, "w9", make_post(db))
    assert u.person.name == "w9"
