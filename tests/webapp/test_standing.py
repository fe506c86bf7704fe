"""The standing service and GET /api/v1/people/{id}/standing: events → the core's standing with the
organisation's policy, high-risk from the organisation, special operation from the post."""

from __future__ import annotations

from datetime import date

import pytest

from quizbank import rules
from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.standing_builders import add_event, qualify
from webapp.org.models import Organisation, Person, Post
from webapp.standing import service as standing_service

TODAY = date(2025, 3, 3)


@pytest.fixture
def org(db):
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    welding = make_post(db, "welding", "电焊工")
    electrician = make_post(db, "low-voltage-electrician", "低压电工")
    electrician.special_operation = True
    qualified = make_person(db, org, "张三", "E001", department=dept, posts=[welding, electrician])
    qualify(db, qualified, "welding")
    make_person(db, org, "新人", "E002", department=dept, posts=[welding])
    for role in ("inspector", "trainer", "hr", "admin"):
        make_user(db, org, role, (role,))
    make_user(db, org, "w", ("worker",), person=qualified)
    other = make_org(db, "乙企业")
    make_person(db, other, "赵六", "X001", posts=[welding])
    db.commit()
    return org.id


def _person(db, name: str) -> Person:
    from sqlalchemy import select

    return db.scalar(select(Person).where(Person.name == name))


@pytest.mark.parametrize("role", ["inspector", "trainer", "hr", "admin"])
def test_staff_read_a_persons_standing_in_the_design_shape(client, org, db, role):
    client.sign_in(role)
    data = client.get(f"/api/v1/people/{_person(db, '张三').id}/standing?post=welding").get_json()
    assert {"may_work", "status", "owed", "certificates"} <= set(data)
    assert data["may_work"] is True and data["status"] == "qualified" and data["post"] == "welding"
    assert all({"kind", "description", "deadline", "hours_remaining"} <= set(o) for o in data["owed"])


def test_without_a_post_the_first_post_of_the_person_is_used(client, org, db):
    client.sign_in("inspector")
    assert client.get(f"/api/v1/people/{_person(db, '张三').id}/standing").get_json()["post"] == "welding"


def test_an_unknown_post_another_enterprises_person_and_a_worker_are_refused(app, client, org, db):
    client.sign_in("inspector")
    assert client.get(f"/api/v1/people/{_person(db, '张三').id}/standing?post=nope").status_code == 404
    assert client.get(f"/api/v1/people/{_person(db, '赵六').id}/standing").status_code == 404
    worker = app.test_client()
    worker.sign_in("w")
    assert worker.get(f"/api/v1/people/{_person(db, '张三').id}/standing").status_code == 403


def test_special_operation_comes_from_the_post(client, org, db):
    client.sign_in("inspector")
    data = client.get(
        f"/api/v1/people/{_person(db, '张三').id}/standing?post=low-voltage-electrician"
    ).get_json()
    assert data["may_work"] is False
    assert any(o["kind"] == "special_cert" for o in data["owed"])


def test_high_risk_comes_from_the_organisation(client, org, db):
    client.sign_in("inspector")
    newcomer = _person(db, "新人").id
    owed = client.get(f"/api/v1/people/{newcomer}/standing").get_json()["owed"]
    assert next(o for o in owed if o["kind"] == "prejob_training")["hours_remaining"] == 24
    db.get(Organisation, org).high_risk = True
    db.commit()
    owed = client.get(f"/api/v1/people/{newcomer}/standing").get_json()["owed"]
    assert next(o for o in owed if o["kind"] == "prejob_training")["hours_remaining"] == 72


def test_the_organisations_policy_applies(client, org, db):
    zhang = _person(db, "张三")
    add_event(db, zhang, rules.ExamTaken(on=TODAY, kind="spot", passed=False, score=50, post="welding"))
    db.get(Organisation, org).policy = {"makeup_days": 3}
    db.commit()
    client.sign_in("inspector")
    owed = client.get(f"/api/v1/people/{zhang.id}/standing").get_json()["owed"]
    assert next(o for o in owed if o["kind"] == "makeup_exam")["deadline"] == "2025-03-06"


def test_a_bad_policy_or_event_row_is_named(db, org):
    bad = db.get(Organisation, org)
    bad.policy = {"makeup_dayz": 3}
    with pytest.raises(
        standing_service.EventDataError, match=rf"organisations\[{org}\].policy: .*makeup_dayz"
    ):
        standing_service.policy_of(bad)
    row = add_event(db, _person(db, "张三"), rules.Hired(on=TODAY))
    row.data = {"on": "yesterday"}
    with pytest.raises(standing_service.EventDataError, match=rf"events\[{row.id}\] \(hired\)"):
        standing_service.to_core_event(row)


def test_events_dated_after_today_are_not_facts_yet(db, org):
    zhang = _person(db, "张三")
    add_event(db, zhang, rules.ViolationRecorded(on=date(2025, 3, 4), category="违章作业"))
    post = db.query(Post).filter_by(code="welding").one()
    assert standing_service.standing_of(db, zhang, post, TODAY).standing.may_work is True
    assert standing_service.standing_of(db, zhang, post, date(2025, 3, 4)).standing.may_work is False


def test_many_people_are_computed_in_one_pass_like_one_by_one(db, org):
    people = [_person(db, "张三"), _person(db, "新人")]
    together = standing_service.standings_of(db, people, TODAY)
    for p in people:
        for ps in together[p.id]:
            assert ps.standing == standing_service.standing_of(db, p, ps.post, TODAY).standing


def test_issued_certificates_are_listed_with_their_live_status_and_verify_url(app, client, org, db):
    certs = pytest.importorskip("webapp.certs.service")
    zhang = _person(db, "张三")
    post = db.query(Post).filter_by(code="welding").one()
    with app.test_request_context("/"):
        if certs.KEY_EXTENSION not in app.extensions:
            certs.init_app(app)
        cert = certs.issue(db, zhang, post, on=date(2025, 3, 1))
        db.commit()
        serial = cert.serial
    client.sign_in("inspector")
    data = client.get(f"/api/v1/people/{zhang.id}/standing?post=welding").get_json()
    assert [c["serial"] for c in data["certificates"]] == [serial]
    assert (
        data["certificates"][0]["status"] in ("valid", "expiring")
        and "/verify/" in data["certificates"][0]["url"]
    )
