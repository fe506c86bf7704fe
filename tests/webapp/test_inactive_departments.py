"""A deactivated department (`Department.active` off) is no longer offered in the roster, inspections,
training and exam scheduling choices, and cannot be inspected; history keeps it (reports, people in it)."""

from __future__ import annotations

import re

import pytest

from tests.webapp.base_builders import make_department, make_org, make_person, make_user


@pytest.fixture
def org(db):
    org = make_org(db)
    make_department(db, org, "在用车间")
    closed = make_department(db, org, "撤销车间")
    closed.active = False
    make_person(db, org, "留守人员", "E900", department=closed)
    make_person(db, org, "在岗人员", "E901")
    for username, role in (("hr1", "hr"), ("insp1", "inspector"), ("trainer1", "trainer")):
        make_user(db, org, username, (role,))
    db.commit()
    return {"closed": closed.id}


def _page(client, username: str, url: str) -> str:
    client.sign_in(username)
    r = client.get(url)
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("hr1", "/roster/"),
        ("insp1", "/inspections"),
        ("trainer1", "/training/sessions/new"),
        ("trainer1", "/exams/schedule"),
    ],
)
def test_a_deactivated_department_is_not_offered(client, org, username, url):
    options = " ".join(re.findall(r"<option[^>]*>[^<]*</option>", _page(client, username, url)))
    assert "在用车间" in options
    assert "撤销车间" not in options


def test_a_person_still_in_a_deactivated_department_keeps_it_on_their_form(client, db, org):
    from sqlalchemy import select

    from webapp.org.models import Person

    person = db.scalar(select(Person).where(Person.employee_no == "E900"))
    html = _page(client, "hr1", f"/roster/people/{person.id}")
    assert "撤销车间（已停用）" in html, "shown as theirs, not silently moved"
    other = db.scalar(select(Person).where(Person.employee_no == "E901"))
    assert "撤销车间" not in _page(client, "hr1", f"/roster/people/{other.id}")


def test_a_deactivated_department_cannot_be_inspected(client, org):
    client.sign_in("insp1")
    r = client.post("/api/v1/inspections", json={"department_id": org["closed"]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "department_inactive"
    r = client.post("/inspections", data={"department_id": str(org["closed"])})
    assert r.status_code == 302
    assert "已停用" in client.get("/inspections").get_data(as_text=True)
