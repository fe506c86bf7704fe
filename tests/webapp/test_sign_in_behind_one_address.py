"""Sign-in behind one address (an exam room's tablets share a NAT): the per-account lock holds, but one
person's failures do not lock out everyone behind the address: a spraying address is slowed down instead.
The sign-in says how many tries are left, and a trainer unlocks a worker's PIN (audit-logged)."""

from __future__ import annotations

import math
import time

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import TEST_PASSWORD, form_token, make_org, make_person, make_post, make_user
from webapp.admin.models import AuditEntry
from webapp.org.models import Organisation, Person


@pytest.fixture
def room(db):
    org = make_org(db, "甲企业")
    post = make_post(db)
    for i in range(3):
        make_person(db, org, f"工人{i}", f"SF00{i}", posts=[post], pin="2468")
    make_user(db, org, "victim", ("worker",))
    make_user(db, org, "trainer1", ("trainer",))
    other = make_org(db, "乙企业")
    make_user(db, other, "trainer2", ("trainer",))
    db.commit()
    return {"org": org.id, "other": other.id}


def _pin_login(client, org_id: int, employee_no: str, pin: str):
    token = form_token(client.get(f"/login/pin?org={org_id}").get_data(True))
    return client.post(
        "/login/pin",
        data={"organisation": org_id, "employee_no": employee_no, "pin": pin, "csrf_token": token},
    )


def _spray(app, clock, tries: int, *, wait: bool = True) -> list[int]:
    """Wrong passwords of made-up accounts from one address; a client that keeps its cookie and, with
    `wait`, honours each 429's Retry-After. Returns the Retry-After of every 429 it got."""
    client = app.test_client()
    waits = []
    for i in range(tries):
        r = client.post("/api/v1/login", json={"username": f"guess{i}", "password": "bad"})
        if r.status_code == 429 and wait:
            waits.append(int(r.headers["Retry-After"]))
            clock.advance(seconds=waits[-1])
            r = client.post("/api/v1/login", json={"username": f"guess{i}", "password": "bad"})
        assert r.status_code == (401 if wait else r.status_code), r.get_data(True)
    return waits


def _signs_in_after_its_own_wait(clock, client, attempt, ok_status: int) -> int:
    """The client's first try is answered at once with 429 and Retry-After; once that has passed, it gets in."""
    r = attempt(client)
    assert r.status_code == 429, r.get_data(True)
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= 3  # LOGIN_ADDRESS_MAX_DELAY, rounded up to whole seconds
    clock.advance(seconds=wait)
    r = attempt(client)
    assert r.status_code == ok_status, r.get_data(True)
    return wait


def test_failures_of_many_accounts_from_one_address_do_not_lock_out_the_others_behind_it(app, room, clock):
    _spray(app, clock, 40)
    _signs_in_after_its_own_wait(
        clock,
        app.test_client(),
        lambda c: c.post("/api/v1/login", json={"username": "victim", "password": TEST_PASSWORD}),
        200,
    )
    _signs_in_after_its_own_wait(
        clock, app.test_client(), lambda c: _pin_login(c, room["org"], "SF001", "2468"), 302
    )


def test_a_spraying_address_is_slowed_down_more_with_every_failure_up_to_a_cap(app, room, clock):
    after = app.config["LOGIN_ADDRESS_SLOWDOWN_AFTER"]
    assert _spray(app, clock, after) == []  # a room's ordinary typing mistakes cost nobody any time
    waits = _spray(app, clock, 30)
    assert len(waits) == 30 and waits[0] == 1 and waits == sorted(waits)
    assert waits[-1] == math.ceil(app.config["LOGIN_ADDRESS_MAX_DELAY"]) > waits[0]


def test_a_client_that_does_not_wait_is_answered_429_at_once_and_its_tries_are_not_checked(
    app, room, clock, monkeypatch
):
    _spray(app, clock, app.config["LOGIN_ADDRESS_SLOWDOWN_AFTER"] + 4)
    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail(f"a request slept {seconds} s"))
    impatient = app.test_client()
    for i in range(20):
        r = impatient.post("/api/v1/login", json={"username": "victim", "password": f"guess{i}"})
        assert r.status_code == 429 and r.get_json()["error"]["code"] == "throttled"
        assert "秒后再试" in r.get_json()["error"]["message"]
    # None of them was checked: the victim's account counted no failure, and still gets in after its wait.
    _signs_in_after_its_own_wait(
        clock,
        app.test_client(),
        lambda c: c.post("/api/v1/login", json={"username": "victim", "password": TEST_PASSWORD}),
        200,
    )


def test_a_spray_going_on_meanwhile_does_not_take_another_clients_turn(app, room, clock):
    _spray(app, clock, app.config["LOGIN_ADDRESS_SLOWDOWN_AFTER"] + 4)
    victim = app.test_client()
    r = victim.post("/api/v1/login", json={"username": "victim", "password": TEST_PASSWORD})
    assert r.status_code == 429
    wait = int(r.headers["Retry-After"])
    _spray(app, clock, 10, wait=False)  # the sprayer keeps firing without waiting
    clock.advance(seconds=wait)
    assert (
        victim.post("/api/v1/login", json={"username": "victim", "password": TEST_PASSWORD}).status_code
        == 200
    )


def test_the_sign_in_pages_answer_429_with_retry_after_and_say_how_many_seconds_to_wait(app, room, clock):
    _spray(app, clock, app.config["LOGIN_ADDRESS_SLOWDOWN_AFTER"] + 8)
    tablet = app.test_client()
    r = _pin_login(tablet, room["org"], "SF001", "2468")
    wait = int(r.headers["Retry-After"])
    assert r.status_code == 429 and f"此网络地址登录失败次数过多，请 {wait} 秒后再试。" in r.get_data(True)
    desk = app.test_client()
    token = form_token(desk.get("/login?by=password").get_data(True))
    r = desk.post("/login", data={"username": "victim", "password": TEST_PASSWORD, "csrf_token": token})
    assert r.status_code == 429 and f"请 {int(r.headers['Retry-After'])} 秒后再试" in r.get_data(True)


def test_the_account_is_still_locked_after_its_own_failures(app, room):
    client = app.test_client()
    for _ in range(app.config["LOGIN_LIMIT_PER_ACCOUNT"]):
        client.post("/api/v1/login", json={"username": "victim", "password": "bad"})
    assert (
        client.post("/api/v1/login", json={"username": "victim", "password": TEST_PASSWORD}).status_code
        == 429
    )


def test_a_failed_sign_in_says_how_many_tries_are_left_before_the_lock(app, room, client):
    token = form_token(client.get("/login?by=password").get_data(True))
    page = client.post("/login", data={"username": "victim", "password": "bad", "csrf_token": token})
    assert "还可尝试 4 次" in page.get_data(True)
    for left in (4, 3, 2, 1):
        r = _pin_login(client, room["org"], "SF002", "0000")
        assert f"还可尝试 {left} 次" in r.get_data(True)
    r = _pin_login(client, room["org"], "SF002", "0000")
    assert "锁定" in r.get_data(True)
    r = client.post("/api/v1/login", json={"username": "victim", "password": "bad"})
    assert "还可尝试 3 次" in r.get_json()["error"]["message"]


def test_a_trainer_unlocks_a_workers_pin_and_the_audit_log_says_so(app, room, db, client):
    worker = app.test_client()
    for _ in range(app.config["LOGIN_LIMIT_PER_ACCOUNT"]):
        _pin_login(worker, room["org"], "SF001", "0000")
    assert "登录失败次数过多" in _pin_login(worker, room["org"], "SF001", "2468").get_data(True)

    assert db.scalar(select(AuditEntry.id).limit(1)) is None  # nothing logged yet

    person = db.scalar(select(Person).where(Person.employee_no == "SF001"))
    other = app.test_client_class(app)
    other.sign_in("trainer2")
    assert other.post(f"/sign-in-locks/{person.id}/unlock").status_code == 404  # another enterprise

    client.sign_in("trainer1")
    page = client.get("/sign-in-locks/").get_data(True)
    assert "SF001" in page and "SF002" not in page
    r = client.post(f"/sign-in-locks/{person.id}/unlock")
    assert r.status_code == 302
    page = client.get("/sign-in-locks/").get_data(True)
    assert 'id="no-locks"' in page and "已解锁 工人1（SF001）" in page
    assert _pin_login(worker, room["org"], "SF001", "2468").status_code == 302
    db.rollback()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "pin_unlocked"))
    assert entry is not None and entry.organisation_id == room["org"] and "SF001" in entry.target


def test_a_worker_cannot_unlock_pins(app, room, db, client):
    make_user(db, db.get(Organisation, room["org"]), "w1", ("worker",))
    db.commit()
    client.sign_in("w1")
    assert client.get("/sign-in-locks/").status_code == 403
