"""The platform operator manages organisations and nothing else: creates, renames and suspends enterprises
and regulators, sets up each first admin with a one-time password, assigns jurisdictions (seen by the
enterprise's admin, recorded in both audit logs); reads no enterprise's people or results."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from tests.webapp.admin_builders import shown_secret
from tests.webapp.builders import can_sign_in
from tests.webapp.platform_builders import make_operator
from webapp.admin.models import AuditEntry
from webapp.org.models import Organisation, User


@pytest.fixture
def op(app, db):
    make_operator(db, "op")
    db.commit()
    c = app.test_client()
    c.sign_in("op")
    return c


def _create(op, db, kind: str, name: str) -> int:
    r = op.post("/platform/organisations", data={"kind": kind, "name": name})
    assert r.status_code == 302, r.get_data(as_text=True)
    db.rollback()
    return db.scalar(select(Organisation.id).where(Organisation.name == name))


def _first_admin(op, org_id: int, username: str) -> str:
    r = op.post(
        f"/platform/organisations/{org_id}/first-admin", data={"username": username, "display_name": "管理员"}
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return shown_secret(r.get_data(as_text=True), "new-password")


def test_the_operator_sets_up_an_enterprise_whose_admin_signs_in_with_a_password_shown_once(app, db, op):
    org_id = _create(op, db, "enterprise", "东风化工有限公司")
    password = _first_admin(op, org_id, "dongfeng-admin")
    assert can_sign_in(app, "dongfeng-admin", password)
    assert password not in op.get(f"/platform/organisations/{org_id}").get_data(as_text=True)
    db.rollback()
    admin = db.scalar(select(User).where(User.username == "dongfeng-admin"))
    assert admin.organisation_id == org_id and admin.roles == {"admin"}
    assert password not in json.dumps([e.data for e in db.scalars(select(AuditEntry))], ensure_ascii=False)
    again = op.post(
        f"/platform/organisations/{org_id}/first-admin", data={"username": "x2", "display_name": "x"}
    )
    assert again.status_code == 400 and "已有管理员" in again.get_data(as_text=True)


def test_a_suspended_organisation_cannot_sign_in_until_reactivated(app, db, op):
    org_id = _create(op, db, "enterprise", "暂停测试企业")
    password = _first_admin(op, org_id, "paused-admin")
    admin = app.test_client()
    admin.sign_in("paused-admin", password)
    assert op.post(f"/platform/organisations/{org_id}/suspend").status_code == 302
    assert admin.get("/admin/").status_code in (302, 401)  # the live session ends too
    assert not can_sign_in(app, "paused-admin", password)
    op.post(f"/platform/organisations/{org_id}/reactivate")
    assert can_sign_in(app, "paused-admin", password)


def test_renaming_refuses_a_name_already_taken(db, op):
    _create(op, db, "enterprise", "甲")
    b = _create(op, db, "enterprise", "乙")
    r = op.post(f"/platform/organisations/{b}/rename", data={"name": "甲"})
    assert r.status_code == 400 and "已有名为" in r.get_data(as_text=True)
    assert op.post(f"/platform/organisations/{b}/rename", data={"name": "乙二"}).status_code == 302
    db.rollback()
    assert db.get(Organisation, b).name == "乙二"


def test_a_jurisdiction_is_seen_by_the_enterprises_admin_and_recorded_on_both_sides(app, db, op):
    regulator = _create(op, db, "regulator", "开发区安监局")
    enterprise = _create(op, db, "enterprise", "园区一号企业")
    password = _first_admin(op, enterprise, "yihao-admin")
    r = op.post(
        f"/platform/organisations/{regulator}/jurisdictions",
        data={"enterprise": str(enterprise), "starts_on": "2025-01-01", "ends_on": ""},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    overlapping = op.post(
        f"/platform/organisations/{regulator}/jurisdictions",
        data={"enterprise": str(enterprise), "starts_on": "2025-02-01"},
    )
    assert overlapping.status_code == 400 and "已属于" in overlapping.get_data(as_text=True)
    admin = app.test_client()
    admin.sign_in("yihao-admin", password)
    page = admin.get("/admin/").get_data(as_text=True)
    assert "开发区安监局" in page[page.index('id="overseers"') :]
    db.rollback()
    logged = {(e.organisation_id, e.action) for e in db.scalars(select(AuditEntry))}
    assert {(regulator, "jurisdiction_added"), (enterprise, "jurisdiction_added")} <= logged


def test_the_operator_reads_no_enterprises_pages(op):
    for url in (
        "/admin/",
        "/admin/users",
        "/roster/",
        "/reports/",
        "/bank/",
        "/certificates/",
        "/oversight/",
    ):
        assert op.get(url).status_code in (403, 404), url
    assert op.get("/platform/").status_code == 200


def test_an_enterprise_admin_cannot_make_an_operator_or_regulator(app, db, op):
    org_id = _create(op, db, "enterprise", "角色测试企业")
    password = _first_admin(op, org_id, "roles-admin")
    admin = app.test_client()
    admin.sign_in("roles-admin", password)
    for role in ("operator", "regulator"):
        r = admin.post(
            "/admin/users/new", data={"username": f"x-{role}", "display_name": "x", "roles": [role]}
        )
        assert r.status_code == 400 and "没有这个角色" in r.get_data(as_text=True)
    assert admin.get("/platform/").status_code == 403


@pytest.mark.slow
def test_quizbank_operator_add_creates_an_operator_and_prints_the_password_once(tmp_path):
    env = {**os.environ, "QUIZBANK_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "quizbank", "operator", "add", "ops1", "--name", "运营一号", "--json"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert shown["username"] == "ops1" and len(shown["password"]) >= 12
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "已被使用" in again.stderr
