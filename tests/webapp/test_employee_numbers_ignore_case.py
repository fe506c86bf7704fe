"""工号 are typed on tablets in whatever case the keyboard gives: `sf004` is `SF004` at the PIN sign-in and in
the inspector's lookup, and the inspector also finds a person by name."""

from __future__ import annotations

import pytest

from tests.webapp.base_builders import (
    form_token,
    make_department,
    make_org,
    make_person,
    make_post,
    make_user,
)
from tests.webapp.builders import make_grant


@pytest.fixture
def site(db):
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    post = make_post(db)
    people = [
        make_person(db, org, "张三", "SF004", department=dept, posts=[post], pin="2468"),
        make_person(db, org, "李四", "SF005", department=dept, posts=[post], pin="1357"),
        make_person(db, org, "李四光", "SF006", department=dept, posts=[post], pin="1357"),
    ]
    inspector = make_user(db, org, "insp", ("inspector",))
    make_grant(db, inspector, org)
    db.commit()
    return {"org": org.id, "dept": dept.id, "people": [p.id for p in people]}


@pytest.mark.parametrize("typed", ["sf004", "Sf004", " SF004 "])
def test_a_pin_sign_in_accepts_the_employee_number_in_any_case(client, site, typed):
    token = form_token(client.get(f"/login/pin?org={site['org']}").get_data(True))
    r = client.post(
        "/login/pin",
        data={"organisation": site["org"], "employee_no": typed, "pin": "2468", "csrf_token": token},
    )
    assert r.status_code == 302, r.get_data(True)
    assert client.get("/api/v1/me").get_json()["user"]["name"] == "张三"


def test_failures_in_either_case_count_against_the_same_employee_number(app, client, site):
    token = form_token(client.get(f"/login/pin?org={site['org']}").get_data(True))
    for typed in ("sf004", "SF004", "sF004", "Sf004", "sf004"):
        client.post(
            "/login/pin",
            data={"organisation": site["org"], "employee_no": typed, "pin": "0000", "csrf_token": token},
        )
    r = client.post(
        "/login/pin",
        data={"organisation": site["org"], "employee_no": "SF004", "pin": "2468", "csrf_token": token},
    )
    assert "登录失败次数过多" in r.get_data(True)


def _find(client, inspection_id: int, code: str) -> str:
    r = client.get(f"/inspections/{inspection_id}/find", query_string={"code": code})
    assert r.status_code == 302
    return r.location


def test_the_inspector_finds_a_person_by_employee_number_in_any_case_or_by_name(client, site):
    client.sign_in("insp")
    r = client.post("/api/v1/inspections", json={"department_id": site["dept"]})
    inspection_id = r.get_json()["id"]
    zhang, li, _ = site["people"]
    for code in ("sf004", "Sf004", "张三", "SF004", f"/inspections/badge/{site['org']}/sf004"):
        assert _find(client, inspection_id, code).endswith(f"/people/{zhang}"), code
    assert _find(client, inspection_id, "李四").endswith(f"/people/{li}")  # the exact name wins over 李四光
    assert _find(client, inspection_id, "四光").endswith(f"/people/{site['people'][2]}")
    assert _find(client, inspection_id, "王五").endswith(f"/inspections/{inspection_id}")
    r = client.get(f"/inspections/badge/{site['org']}/sf005")
    assert r.status_code == 302 and r.location.endswith(f"/people/{li}")
