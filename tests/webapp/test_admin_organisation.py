"""The admin's organisation: name and high-risk flag, and the department tree (add, rename, move,
deactivate, delete — never a department with people)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.webapp.admin_builders import admin_world
from webapp.admin.models import AuditEntry
from webapp.org.models import Department, Organisation, Person


@pytest.fixture
def world(db, client):
    w = admin_world(db)
    client.sign_in("admin1")
    return w


def _department(db, id_: int) -> Department | None:
    db.rollback()
    return db.get(Department, id_)


def test_the_organisation_name_and_high_risk_flag_are_saved_and_audited(db, client, world):
    r = client.post("/admin/organisation", data={"name": "甲化工有限公司", "high_risk": "y"})
    assert r.status_code == 302
    db.rollback()
    org = db.get(Organisation, world["org"])
    assert (org.name, org.high_risk) == ("甲化工有限公司", True)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "organisation_changed"))
    assert entry.user_id == world["admin"] and entry.data["after"]["high_risk"] is True


def test_an_empty_organisation_name_is_refused(db, client, world):
    r = client.post("/admin/organisation", data={"name": "  "})
    assert r.status_code == 400 and "请填写企业名称" in r.get_data(as_text=True)
    db.rollback()
    assert db.get(Organisation, world["org"]).name == "甲企业"


def test_a_department_is_added_under_a_parent(db, client, world):
    r = client.post("/admin/departments", data={"name": "气焊班", "parent": str(world["workshop"])})
    assert r.status_code == 302
    db.rollback()
    d = db.scalar(select(Department).where(Department.name == "气焊班"))
    assert d.parent_id == world["workshop"] and d.organisation_id == world["org"] and d.active
    page = client.get("/admin/organisation").get_data(as_text=True)
    rows = [page.index(f'id="department-{i}"') for i in (world["workshop"], d.id, world["empty"])]
    assert rows == sorted(rows)  # listed under its parent, before the next top-level department


def test_a_department_cannot_be_added_under_another_organisations_department(db, client, world):
    r = client.post("/admin/departments", data={"name": "偷渡班", "parent": str(world["other_department"])})
    assert r.status_code == 409 and "上级部门不存在" in r.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(Department).where(Department.name == "偷渡班")) is None


def test_two_siblings_may_not_share_a_name(client, world):
    r = client.post("/admin/departments", data={"name": "二车间", "parent": ""})
    assert r.status_code == 409 and "已有名为“二车间”的部门" in r.get_data(as_text=True)


def test_a_department_is_renamed(db, client, world):
    assert (
        client.post(f"/admin/departments/{world['empty']}/rename", data={"name": "三车间"}).status_code == 302
    )
    assert _department(db, world["empty"]).name == "三车间"


def test_a_department_moves_to_another_parent_or_to_the_top(db, client, world):
    r = client.post(f"/admin/departments/{world['team']}/move", data={"parent": str(world["empty"])})
    assert r.status_code == 302
    assert _department(db, world["team"]).parent_id == world["empty"]
    assert client.post(f"/admin/departments/{world['team']}/move", data={"parent": ""}).status_code == 302
    assert _department(db, world["team"]).parent_id is None


def test_a_department_cannot_move_under_itself_or_its_own_team(db, client, world):
    for target in (world["workshop"], world["team"]):
        r = client.post(f"/admin/departments/{world['workshop']}/move", data={"parent": str(target)})
        assert r.status_code == 409 and "它自己或它的下级部门" in r.get_data(as_text=True)
    assert _department(db, world["workshop"]).parent_id is None


def test_a_department_with_people_cannot_be_deleted_and_the_page_says_so(db, client, world):
    r = client.post(f"/admin/departments/{world['team']}/delete")
    assert r.status_code == 409
    assert "有 1 名人员" in r.get_data(as_text=True) and "不能删除" in r.get_data(as_text=True)
    assert _department(db, world["team"]) is not None


def test_a_department_with_teams_cannot_be_deleted(db, client, world):
    db.execute(Person.__table__.update().values(department_id=None))
    db.commit()
    r = client.post(f"/admin/departments/{world['workshop']}/delete")
    assert r.status_code == 409 and "下级部门" in r.get_data(as_text=True)


def test_an_empty_department_is_deleted(db, client, world):
    assert client.post(f"/admin/departments/{world['empty']}/delete").status_code == 302
    assert _department(db, world["empty"]) is None


def test_a_department_other_records_point_at_is_not_deleted(db, client, world):
    from webapp.inspections.models import Inspection

    db.execute(Person.__table__.update().values(department_id=None))
    db.add(
        Inspection(
            organisation_id=world["org"],
            department_id=world["team"],
            inspector_id=world["admin"],
            opened_at=datetime(2025, 3, 3, tzinfo=UTC),
        )
    )
    db.commit()
    r = client.post(f"/admin/departments/{world['team']}/delete")
    assert r.status_code == 409 and "不能删除；可以停用" in r.get_data(as_text=True)
    assert _department(db, world["team"]) is not None
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "department_deleted")) is None


def test_a_department_with_active_people_cannot_be_deactivated(db, client, world):
    r = client.post(f"/admin/departments/{world['team']}/deactivate")
    assert r.status_code == 409 and "1 名在职人员" in r.get_data(as_text=True)
    assert _department(db, world["team"]).active


def test_a_department_with_active_teams_cannot_be_deactivated(db, client, world):
    r = client.post(f"/admin/departments/{world['workshop']}/deactivate")
    assert r.status_code == 409 and "请先停用下级部门：焊接班" in r.get_data(as_text=True)


def test_an_empty_department_is_deactivated_and_reactivated(db, client, world):
    assert client.post(f"/admin/departments/{world['empty']}/deactivate").status_code == 302
    assert _department(db, world["empty"]).active is False
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert "已停用" in page
    # a deactivated department is offered as a parent no more
    r = client.post("/admin/departments", data={"name": "新班", "parent": str(world["empty"])})
    assert r.status_code == 409 and "已停用" in r.get_data(as_text=True)
    assert client.post(f"/admin/departments/{world['empty']}/reactivate").status_code == 302
    assert _department(db, world["empty"]).active is True
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["department_deactivated", "department_reactivated"]


def test_a_refused_department_keeps_what_was_typed_and_the_organisation_form_its_stored_name(client, world):
    r = client.post("/admin/departments", data={"name": "二车间", "parent": ""})
    page = r.get_data(as_text=True)
    organisation_form = page[
        page.index('id="organisation-form"') : page.index("</form>", page.index('id="organisation-form"'))
    ]
    add_form = page[page.index('id="department-add"') :]
    assert 'value="甲企业"' in organisation_form and 'value="二车间"' in add_form
