"""Access to an enterprise's data is given only by that enterprise: its admin grants a NAMED outside inspector
access to itself alone, visible and revocable in its own user list, recorded in both audit logs (issue 8.1).
The inspector's own admin can no longer hand them another enterprise."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import make_department, make_org, make_post, make_user, make_worker
from tests.webapp.platform_builders import make_regulator
from webapp.admin.models import AuditEntry
from webapp.org.models import InspectorGrant


@pytest.fixture
def world(db) -> dict:
    a = make_org(db, "甲企业")
    a_dept = make_department(db, a, "甲车间")
    post = make_post(db)
    make_worker(db, a, "a-w1", post, department=a_dept, employee_no="A001")
    make_user(db, a, "a-admin", ("admin",))
    b = make_org(db, "乙企业")
    b_dept = make_department(db, b, "乙车间")
    make_user(db, b, "b-admin", ("admin",))
    b_insp = make_user(db, b, "b-insp", ("inspector",))
    regulator = make_regulator(db, "县应急管理局")
    r_insp = make_user(db, regulator, "r-insp", ("inspector",))
    make_user(db, regulator, "r-trainer-like", ("regulator",))
    db.commit()
    return {
        "a": a.id,
        "a_dept": a_dept.id,
        "b": b.id,
        "b_dept": b_dept.id,
        "b_insp": b_insp.id,
        "r_insp": r_insp.id,
    }


def _signed_in(app, username):
    c = app.test_client()
    c.sign_in(username)
    return c


def test_an_admin_cannot_give_their_own_inspector_another_enterprise(app, db, world):
    b_admin = _signed_in(app, "b-admin")
    old_route = b_admin.post(f"/admin/users/{world['b_insp']}/grants", data={"organisation": str(world["a"])})
    assert old_route.status_code in (404, 405)
    b_admin.post("/admin/outside-inspectors", data={"username": "b-insp"})  # B's own: refused
    db.rollback()
    assert db.scalars(select(InspectorGrant)).all() == []
    b_insp = _signed_in(app, "b-insp")
    r = b_insp.post("/api/v1/inspections", json={"department_id": world["a_dept"]})
    assert r.status_code == 404


def test_an_enterprise_lets_a_named_outside_inspector_in_and_revokes_it(app, db, world):
    r_insp = _signed_in(app, "r-insp")
    assert r_insp.post("/api/v1/inspections", json={"department_id": world["a_dept"]}).status_code == 404

    a_admin = _signed_in(app, "a-admin")
    r = a_admin.post("/admin/outside-inspectors", data={"username": "R-INSP"})
    assert r.status_code == 302
    listed = a_admin.get("/admin/users").get_data(as_text=True)
    table = listed[listed.index('id="outside-inspectors"') :]
    assert "r-insp" in table and "县应急管理局" in table

    r = r_insp.post("/api/v1/inspections", json={"department_id": world["a_dept"]})
    assert r.status_code == 201, r.get_data(as_text=True)
    # itself alone: B gave nothing
    assert r_insp.post("/api/v1/inspections", json={"department_id": world["b_dept"]}).status_code == 404

    db.rollback()
    grant = db.scalar(select(InspectorGrant))
    assert (grant.organisation_id, grant.user_id) == (world["a"], world["r_insp"])
    actions = {(e.organisation_id, e.action) for e in db.scalars(select(AuditEntry))}
    regulator_id = db.get(type(grant.user), world["r_insp"]).organisation_id
    assert {(world["a"], "grant_added"), (regulator_id, "access_granted")} <= actions

    assert a_admin.post(f"/admin/outside-inspectors/{grant.id}/revoke").status_code == 302
    r_insp = _signed_in(app, "r-insp")  # a fresh request sees the revocation
    assert r_insp.post("/api/v1/inspections", json={"department_id": world["a_dept"]}).status_code == 404
    db.rollback()
    actions = {(e.organisation_id, e.action) for e in db.scalars(select(AuditEntry))}
    assert {(world["a"], "grant_revoked"), (regulator_id, "access_revoked")} <= actions


@pytest.mark.parametrize(
    ("username", "message"),
    [("r-trainer-like", "不是检查人员"), ("nobody", "没有登录名"), ("a-admin", "本单位的账号")],
)
def test_only_another_organisations_inspector_is_let_in(app, db, world, username, message):
    a_admin = _signed_in(app, "a-admin")
    r = a_admin.post("/admin/outside-inspectors", data={"username": username}, follow_redirects=True)
    assert message in r.get_data(as_text=True)
    db.rollback()
    assert db.scalars(select(InspectorGrant)).all() == []


def test_an_enterprise_cannot_revoke_a_grant_another_enterprise_gave(app, db, world):
    b_grant = InspectorGrant(user_id=world["r_insp"], organisation_id=world["b"])
    db.add(b_grant)
    db.commit()
    a_admin = _signed_in(app, "a-admin")
    assert a_admin.post(f"/admin/outside-inspectors/{b_grant.id}/revoke").status_code == 404
    db.rollback()
    assert db.get(InspectorGrant, b_grant.id) is not None


def test_a_jurisdictions_inspector_inspects_and_records_a_violation_logged_on_both_sides(app, db, world):
    from datetime import date

    from tests.webapp.platform_builders import make_jurisdiction
    from webapp.org.models import Organisation, Person, User

    r_insp = db.get(User, world["r_insp"])
    make_jurisdiction(db, r_insp.organisation, db.get(Organisation, world["a"]), date(2025, 1, 1))
    db.commit()
    client = _signed_in(app, "r-insp")
    r = client.post("/api/v1/inspections", json={"department_id": world["a_dept"]})
    assert r.status_code == 201, r.get_data(as_text=True)
    inspection = r.get_json()["id"]
    person = db.scalar(select(Person.id).where(Person.employee_no == "A001"))
    r = client.post(
        f"/api/v1/inspections/{inspection}/findings",
        json={"person_id": person, "category": "违章作业", "note": "未系安全带", "confirm": True},
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    db.rollback()
    logged = {(e.organisation_id, e.action) for e in db.scalars(select(AuditEntry))}
    for org in (world["a"], r_insp.organisation_id):
        assert {(org, "outside_inspection_opened"), (org, "outside_finding_recorded")} <= logged
    # its jurisdiction only: B is not in it
    assert client.post("/api/v1/inspections", json={"department_id": world["b_dept"]}).status_code == 404
