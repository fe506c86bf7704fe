"""Users and roles: search, create (password shown once), roles, link to the roster, reset password,
deactivate/reactivate, the admin's own account protected (outside inspectors: test_outside_inspectors)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.admin_builders import admin_world, shown_secret
from tests.webapp.builders import can_sign_in
from webapp.admin.models import AuditEntry
from webapp.org.models import User


@pytest.fixture
def world(db, client):
    w = admin_world(db)
    client.sign_in("admin1")
    return w


def _user(db, id_: int) -> User:
    db.rollback()  # a new snapshot, and nothing stale from the identity map
    db.expire_all()
    return db.get(User, id_)


def test_users_are_listed_and_searched_within_the_organisation(client, world):
    def listed(url: str) -> str:
        page = client.get(url).get_data(as_text=True)
        return page[page.index('id="users"') :]

    page = listed("/admin/users")
    assert "admin1" in page and "trainer1" in page and "trainer2" not in page
    page = listed("/admin/users?q=insp")
    assert "insp1" in page and "trainer1" not in page
    page = listed("/admin/users?role=trainer")
    assert "trainer1" in page and "admin1" not in page


def test_a_created_user_gets_a_password_shown_once_that_signs_in(app, db, client, world):
    r = client.post(
        "/admin/users/new",
        data={
            "username": "hr.li",
            "display_name": "李人事",
            "roles": ["hr", "trainer"],
            "employee_no": "E001",
        },
    )
    assert r.status_code == 200
    password = shown_secret(r.get_data(as_text=True), "new-password")
    db.rollback()
    user = db.scalar(select(User).where(User.username == "hr.li"))
    assert user.roles == {"hr", "trainer"} and user.person_id == world["person"]
    assert user.organisation_id == world["org"] and password not in user.password_hash
    assert can_sign_in(app, "hr.li", password)
    assert password not in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "user_created")).target == "hr.li"


def test_a_username_already_taken_is_refused(client, world):
    r = client.post("/admin/users/new", data={"username": "admin2", "display_name": "x", "roles": ["hr"]})
    assert r.status_code == 400 and "已被使用" in r.get_data(as_text=True)


def test_a_user_without_a_role_or_with_an_unknown_one_is_refused(db, client, world):
    r = client.post("/admin/users/new", data={"username": "nobody", "display_name": "x"})
    assert r.status_code == 400 and "请至少选择一个角色" in r.get_data(as_text=True)
    r = client.post(
        "/admin/users/new", data={"username": "boss", "display_name": "x", "roles": ["superadmin"]}
    )
    assert r.status_code == 400 and "没有这个角色" in r.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(User).where(User.username.in_(["nobody", "boss"]))) is None


def test_a_link_to_a_person_of_another_organisation_or_unknown_is_refused(client, world):
    r = client.post(
        "/admin/users/new",
        data={"username": "x1", "display_name": "x", "roles": ["worker"], "employee_no": "E404"},
    )
    assert r.status_code == 400 and "花名册中没有工号为 E404 的人员" in r.get_data(as_text=True)


def test_roles_and_name_are_changed(db, client, world):
    r = client.post(
        f"/admin/users/{world['trainer']}",
        data={"display_name": "王培训", "roles": ["trainer", "hr"], "active": "y"},
    )
    assert r.status_code == 302
    user = _user(db, world["trainer"])
    assert user.display_name == "王培训" and user.roles == {"trainer", "hr"}


def test_an_admin_cannot_remove_their_own_admin_role(db, client, world):
    r = client.post(
        f"/admin/users/{world['admin']}", data={"display_name": "admin1", "roles": ["hr"], "active": "y"}
    )
    assert r.status_code == 400 and "不能取消自己的系统管理员角色" in r.get_data(as_text=True)
    assert _user(db, world["admin"]).roles == {"admin"}


def test_an_admin_cannot_deactivate_themselves(db, client, world):
    r = client.post(f"/admin/users/{world['admin']}", data={"display_name": "admin1", "roles": ["admin"]})
    assert r.status_code == 400 and "不能停用自己的账号" in r.get_data(as_text=True)
    assert _user(db, world["admin"]).active


def test_an_admin_may_remove_another_admins_role(db, client, world):
    from tests.webapp.base_builders import make_user
    from webapp.org.models import Organisation

    second = make_user(db, db.get(Organisation, world["org"]), "admin3", ("admin",))
    db.commit()
    r = client.post(
        f"/admin/users/{second.id}", data={"display_name": "admin3", "roles": ["hr"], "active": "y"}
    )
    assert r.status_code == 302 and _user(db, second.id).roles == {"hr"}


def test_a_deactivated_user_cannot_sign_in_until_reactivated(app, db, client, world):
    from tests.webapp.base_builders import TEST_PASSWORD

    r = client.post(
        f"/admin/users/{world['trainer']}", data={"display_name": "trainer1", "roles": ["trainer"]}
    )
    assert r.status_code == 302 and _user(db, world["trainer"]).active is False
    assert not can_sign_in(app, "trainer1", TEST_PASSWORD)
    r = client.post(
        f"/admin/users/{world['trainer']}",
        data={"display_name": "trainer1", "roles": ["trainer"], "active": "y"},
    )
    assert r.status_code == 302 and can_sign_in(app, "trainer1", TEST_PASSWORD)
    db.rollback()
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user_deactivated", "user_reactivated"]


def test_a_reset_password_is_shown_once_and_replaces_the_old_one(app, db, client, world):
    from tests.webapp.base_builders import TEST_PASSWORD

    r = client.post(f"/admin/users/{world['trainer']}/password")
    assert r.status_code == 200
    password = shown_secret(r.get_data(as_text=True), "new-password")
    assert can_sign_in(app, "trainer1", password)
    assert not can_sign_in(app, "trainer1", TEST_PASSWORD)
    assert password not in client.get(f"/admin/users/{world['trainer']}").get_data(as_text=True)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "password_reset"))
    assert password not in str(entry.data)
