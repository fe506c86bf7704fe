"""Sign-in behind one address (an exam room's tablets share a NAT): the per-account lock holds, but one
person's failures do not lock out everyone behind the address: a spraying address is slowed down instead.
The sign-in says how many tries are left, and a trainer unlocks a worker's PIN (audit-logged)."""

from __future__ import annotations

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


@pytest.fixture
def waits(app):
    """The seconds each sign-in was made to wait, instead of sleeping them."""
    seen: list[float] = []
    app.config["LOGIN_SLEEP"] = seen.append
    return seen


def _pin_login(client, org_id: int, employee_no: str, pin: str):
    token = form_token(client.get(f"/login/pin?org={org_id}").get_data(True))
    return client.post(
        "/login/pin",
        data={"organisation": org_id, "employee_no": employee_no, "pin": pin, "csrf_token": token},
    )


def test_failures_of_many_accounts_from_one_address_do_not_lock_out_the_others_behind_it(app, room, waits):
    client = app.test_client()
    for i in range(40):
        client.post("/api/v1/login", json={"username": f"guess{i}", "password": "bad"})
    r = client.post("/api/v1/login", json={"username": "victim", "password": TEST_PASSWORD})
    assert r.status_code == 200, r.get_data(True)
    tablet = app.test_client()
    assert _pin_login(tablet, room["org"], "SF001", "2468").status_code == 302


def test_a_spraying_address_is_slowed_down_more_with_every_failure_up_to_a_cap(app, room, waits):
    client = app.test_client()
    after = app.config["LOGIN_ADDRESS_SLOWDOWN_AFTER"]
    for i in range(after):
        client.post("/api/v1/login", json={"username": f"guess{i}", "password": "bad"})
    assert waits == []  # a room's ordinary typing mistakes cost nobody any time
    for i in range(30):
        client.post("/api/v1/login", json={"username": f"more{i}", "password": "bad"})
    assert waits[0] > 0 and waits == sorted(waits)
    assert waits[-1] == app.config["LOGIN_ADDRESS_MAX_DELAY"] > waits[0]


def test_the_account_is_still_locked_after_its_own_failures(app, room, waits):
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
