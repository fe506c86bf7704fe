"""An inspected enterprise for the inspection tests: its department, qualified welders, and the inspectors."""

from __future__ import annotations

from tests.webapp.base_builders import (
    TEST_PASSWORD,
    make_department,
    make_org,
    make_person,
    make_user,
    make_worker,
)
from tests.webapp.builders import make_grant, make_post_with_questions
from tests.webapp.standing_builders import qualify


def make_inspection_site(db) -> dict:
    """An enterprise with a department of three qualified welders, an inspector granted it (from a
    regulator), a second inspector, and another enterprise."""
    org = make_org(db, "甲企业")
    regulator = make_org(db, "应急管理局")
    regulator.kind = "regulator"
    dept = make_department(db, org, "一车间")
    team = make_department(db, org, "焊接班", parent=dept)
    post = make_post_with_questions(db, "welding", "电焊工", per_type=12)
    people = [
        make_person(db, org, name, no, department=d, posts=[post], pin="2468")
        for name, no, d in (("张三", "E001", dept), ("李四", "E002", dept), ("王五", "E003", team))
    ]
    for p in people:
        qualify(db, p, "welding")
    inspector = make_user(db, regulator, "insp", ("inspector",))
    other_inspector = make_user(db, regulator, "insp2", ("inspector",))
    for u in (inspector, other_inspector):
        make_grant(db, u, org)
    other = make_org(db, "乙企业")
    other_dept = make_department(db, other, "二车间")
    make_person(db, other, "赵六", "E001", department=other_dept, posts=[post], pin="2468")
    make_user(db, org, "trainer", ("trainer",))
    make_user(db, org, "hr", ("hr",))
    make_worker(db, org, "w9", post, department=dept, pin="1111")
    db.commit()
    return {
        "org": org.id, "dept": dept.id, "team": team.id, "people": [p.id for p in people],
        "other_dept": other_dept.id,
    }  # fmt: skip


def hand_back(client, secret: str = TEST_PASSWORD) -> dict:
    """交还检查人员 through the API: a session that started a spot test is in kiosk state until this."""
    r = client.post("/api/v1/inspections/kiosk/hand-back", json={"secret": secret})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()
