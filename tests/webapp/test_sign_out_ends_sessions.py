"""Sign-out, a password or PIN reset, a role change and deactivation end the user's existing sessions.

Flask's sessions are signed cookies: without a per-user `session_version` checked on every request, a copy of
the cookie (another tablet, a stolen one) would keep working after any of these."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import make_org, make_person, make_user
from tests.webapp.builders import signed_in
from webapp.org.models import User


@pytest.fixture
def world(db) -> dict:
    org = make_org(db, "甲企业")
    person = make_person(db, org, "张三", "E001", pin="1234")
    make_user(db, org, "admin1", ("admin",))
    make_user(db, org, "hr1", ("hr",))
    make_user(db, org, "trainer1", ("trainer",))
    worker = make_user(db, org, "w1", ("worker",), person=person)
    db.commit()
    return {"org": org.id, "person": person.id, "worker": worker.id}


def _copy(app, client):
    """Another browser holding a copy of the client's session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _is_signed_in(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


def _user_id(db, username: str) -> int:
    return db.scalar(select(User.id).where(User.username == username))


def test_a_copied_session_cookie_no_longer_signs_in_after_sign_out_on_the_page(app, world):
    client = signed_in(app, "trainer1")
    copy = _copy(app, client)
    assert _is_signed_in(copy)
    assert client.post("/logout").status_code == 302
    assert not _is_signed_in(copy)
    assert copy.get("/").status_code == 302  # pages send it to the sign-in page


def test_a_copied_session_cookie_no_longer_signs_in_after_sign_out_through_the_api(app, world):
    client = signed_in(app, "trainer1")
    copy = _copy(app, client)
    assert client.post("/api/v1/logout").status_code == 204
    assert not _is_signed_in(copy) and not _is_signed_in(client)


def test_signing_in_again_after_sign_out_works(app, world):
    client = signed_in(app, "trainer1")
    client.post("/api/v1/logout")
    client.sign_in("trainer1")
    assert _is_signed_in(client)


def test_an_admin_password_reset_ends_the_users_sessions(app, db, world):
    trainer = signed_in(app, "trainer1")
    admin = signed_in(app, "admin1")
    assert admin.post(f"/admin/users/{_user_id(db, 'trainer1')}/password").status_code == 200
    assert not _is_signed_in(trainer)
    assert _is_signed_in(admin)


def test_an_admin_resetting_their_own_password_stays_signed_in_on_that_browser_only(app, db, world):
    admin = signed_in(app, "admin1")
    elsewhere = _copy(app, admin)
    assert admin.post(f"/admin/users/{_user_id(db, 'admin1')}/password").status_code == 200
    assert _is_signed_in(admin)
    assert not _is_signed_in(elsewhere)


def test_a_role_change_ends_the_users_sessions(app, db, world):
    trainer = signed_in(app, "trainer1")
    admin = signed_in(app, "admin1")
    r = admin.post(
        f"/admin/users/{_user_id(db, 'trainer1')}",
        data={"display_name": "trainer1", "roles": ["trainer", "hr"], "active": "y"},
    )
    assert r.status_code == 302
    assert not _is_signed_in(trainer)


def test_saving_a_user_without_changing_roles_or_status_keeps_their_sessions(app, db, world):
    trainer = signed_in(app, "trainer1")
    admin = signed_in(app, "admin1")
    r = admin.post(
        f"/admin/users/{_user_id(db, 'trainer1')}",
        data={"display_name": "王培训", "roles": ["trainer"], "active": "y"},
    )
    assert r.status_code == 302
    assert _is_signed_in(trainer)


def test_a_deactivated_user_stays_signed_out_after_reactivation(app, db, world):
    trainer = signed_in(app, "trainer1")
    admin = signed_in(app, "admin1")
    url = f"/admin/users/{_user_id(db, 'trainer1')}"
    assert admin.post(url, data={"display_name": "trainer1", "roles": ["trainer"]}).status_code == 302
    assert not _is_signed_in(trainer)
    r = admin.post(url, data={"display_name": "trainer1", "roles": ["trainer"], "active": "y"})
    assert r.status_code == 302
    assert not _is_signed_in(trainer)  # the old cookie does not come back to life


def test_a_pin_reset_ends_the_workers_sessions(app, world):
    worker = signed_in(app, "w1")
    hr = signed_in(app, "hr1")
    assert hr.post(f"/roster/people/{world['person']}/pin").status_code == 200
    assert not _is_signed_in(worker)
    assert _is_signed_in(hr)


def test_a_person_deactivated_in_the_roster_stays_signed_out_after_reactivation(app, db, world):
    worker = signed_in(app, "w1")
    hr = signed_in(app, "hr1")
    url = f"/roster/people/{world['person']}"
    form = {"name": "张三", "department": "", "employment_type": "正式"}
    assert hr.post(url, data=form).status_code == 302
    assert not _is_signed_in(worker)
    assert hr.post(url, data={**form, "active": "y"}).status_code == 302
    assert not _is_signed_in(worker)


def test_editing_a_person_without_deactivating_keeps_their_sessions(app, world):
    worker = signed_in(app, "w1")
    hr = signed_in(app, "hr1")
    form = {"name": "张三丰", "department": "", "employment_type": "正式", "active": "y"}
    assert hr.post(f"/roster/people/{world['person']}", data=form).status_code == 302
    assert _is_signed_in(worker)


def test_a_session_of_another_user_is_untouched_by_a_sign_out(app, db, world):
    trainer = signed_in(app, "trainer1")
    hr = signed_in(app, "hr1")
    trainer.post("/api/v1/logout")
    assert _is_signed_in(hr)


def test_a_session_from_before_session_versions_signs_in_again(app, db, world):
    """A cookie that carries no version (signed before the upgrade) is treated as signed out."""
    client = signed_in(app, "trainer1")
    with client.session_transaction() as cookie:
        cookie.pop("_session_version", None)
    assert not _is_signed_in(client)


def test_the_user_and_their_roles_are_loaded_in_one_statement(app, db, world):
    from tests.webapp.builders import counting_statements

    client = signed_in(app, "trainer1")
    with counting_statements(app) as statements:
        assert client.get("/api/v1/me").get_json()["user"]["roles"] == ["trainer"]
    assert len(statements) == 1, statements
