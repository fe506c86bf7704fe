"""Builders for the admin tests: an enterprise with an admin, a few departments and people, and another
enterprise (with its own admin, user and department) that must stay out of reach."""

from __future__ import annotations

import re

from tests.webapp.base_builders import make_department, make_org, make_person, make_user
from tests.webapp.builders import make_grant
from webapp.org.models import Organisation, User


def admin_world(db) -> dict:
    org = make_org(db, "甲企业")
    workshop = make_department(db, org, "一车间")
    team = make_department(db, org, "焊接班", parent=workshop)
    empty = make_department(db, org, "二车间")
    person = make_person(db, org, "张三", "E001", department=team)
    admin = make_user(db, org, "admin1", ("admin",))
    trainer = make_user(db, org, "trainer1", ("trainer",))
    inspector = make_user(db, org, "insp1", ("inspector",))
    other = make_org(db, "乙企业")
    other_admin = make_user(db, other, "admin2", ("admin",))
    other_user = make_user(db, other, "trainer2", ("trainer",))
    other_department = make_department(db, other, "乙车间")
    regulator = make_org(db, "应急管理局")
    db.commit()
    return {
        "org": org.id,
        "workshop": workshop.id,
        "team": team.id,
        "empty": empty.id,
        "person": person.id,
        "admin": admin.id,
        "trainer": trainer.id,
        "inspector": inspector.id,
        "other": other.id,
        "other_admin": other_admin.id,
        "other_user": other_user.id,
        "other_department": other_department.id,
        "regulator": regulator.id,
    }


def grant(db, user_id: int, organisation_id: int) -> int:
    row = make_grant(db, db.get(User, user_id), db.get(Organisation, organisation_id))
    db.commit()
    return row.id


def shown_secret(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}".*?<code[^>]*>([^<]+)</code>', html, re.S)
    assert m, f"no #{element_id} with a code on the page"
    return m.group(1)
