"""Users change their own password: the current one first (wrong ones count towards the sign-in throttle),
the new one twice, at least 8 characters and not the username; other devices are signed out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import TEST_PASSWORD, form_token, make_org, make_person, make_user
from tests.webapp.builders import can_sign_in, signed_in
from webapp.org.models import User

NEW = "新的密码-2468"


@pytest.fixture
def world(db) -> dict:
    org = make_org(db, "甲企业")
    make_user(db, org, "trainer1", ("trainer",))
    make_user(db, org, "w-pass", ("worker",), person=make_person(db, org, "李四", "E002"))
    make_user(
        db, org, "w-pin", ("worker",), person=make_person(db, org, "张三", "E001", pin="1234"), password=None
    )
    db.commit()
    return {"org": org.id}


def _change(client, current: str = TEST_PASSWORD, new: str = NEW, again: str | None = None):
    html = client.get("/account/password").get_data(as_text=True)
    data = {
        "csrf_token": form_token(html),
        "current": current,
        "new": new,
        "again": new if again is None else again,
    }
    return client.post("/account/password", data=data)


def _hash(db, username: str) -> str:
    db.expire_all()
    return db.scalar(select(User.password_hash).where(User.username == username))


def test_a_user_changes_their_own_password_with_the_slow_hash_and_other_devices_are_signed_out(
    app, db, world
):
    here, elsewhere = signed_in(app, "trainer1"), signed_in(app, "trainer1")
    r = _change(here)
    assert r.status_code == 302, r.get_data(as_text=True)
    assert here.get("/api/v1/me").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/api/v1/me").status_code == 401
    assert _hash(db, "trainer1").startswith(app.config["PASSWORD_HASH_METHOD"])
    assert can_sign_in(app, "trainer1", NEW) and not can_sign_in(app, "trainer1", TEST_PASSWORD)
    assert "密码已修改" in here.get("/").get_data(as_text=True)


def test_a_worker_who_signs_in_with_a_password_changes_it_too(app, world):
    assert _change(signed_in(app, "w-pass")).status_code == 302
    assert can_sign_in(app, "w-pass", NEW)


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("wrong-password", NEW, NEW, "当前密码不正确"),
        (TEST_PASSWORD, "short1", "short1", "至少 8 个字符"),
        (TEST_PASSWORD, "trainer1", "trainer1", "不能与用户名相同"),
        (TEST_PASSWORD, NEW, NEW + "x", "两次输入的新密码不一致"),
    ],
)
def test_a_bad_change_is_refused_with_the_reason_and_changes_nothing(
    app, db, world, current, new, again, message
):
    before = _hash(db, "trainer1")
    here, elsewhere = signed_in(app, "trainer1"), signed_in(app, "trainer1")
    r = _change(here, current, new, again)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert _hash(db, "trainer1") == before
    assert elsewhere.get("/api/v1/me").status_code == 200


def test_wrong_current_passwords_count_towards_the_sign_in_throttle(app, world):
    client = signed_in(app, "trainer1")
    for _ in range(5):
        assert _change(client, current="wrong-password").status_code == 400
    r = _change(client)  # now even the right one is refused
    assert r.status_code == 429 and "登录失败次数过多" in r.get_data(as_text=True)
    assert not can_sign_in(app, "trainer1", TEST_PASSWORD)  # the same account limit as signing in


def test_a_change_without_the_csrf_token_is_refused(app, db, world):
    before = _hash(db, "trainer1")
    client = signed_in(app, "trainer1")
    data = {"current": TEST_PASSWORD, "new": NEW, "again": NEW}
    assert client.post("/account/password", data=data, csrf=False).status_code == 400
    assert _hash(db, "trainer1") == before


def test_a_worker_who_signs_in_with_a_pin_has_no_password_to_change(app, db, world):
    client = app.test_client()
    r = client.post(
        "/login/pin",
        data={
            "csrf_token": form_token(client.get("/login/pin").get_data(True)),
            "organisation": world["org"],
            "employee_no": "E001",
            "pin": "1234",
        },
    )
    assert r.status_code == 302
    assert "修改密码" not in client.get("/").get_data(as_text=True)
    assert "PIN" in client.get("/account/password").get_data(as_text=True)
    html = client.get("/exams").get_data(as_text=True)
    r = client.post(
        "/account/password",
        data={"csrf_token": form_token(html), "current": "1234", "new": NEW, "again": NEW},
    )
    assert r.status_code == 403
    assert _hash(db, "w-pin") is None


def test_the_user_menu_links_to_the_page(app, world):
    assert 'href="/account/password"' in signed_in(app, "trainer1").get("/").get_data(as_text=True)
