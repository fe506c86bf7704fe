"""Inspection safeguards: a 三违 (which takes the worker off the post at once) is recorded only when confirmed
on the server; an abandoned or mistaken spot test is voided with a reason (audit trail) and until every spot test
is handed in or voided the inspection stays open; the person page offers no second spot test while one runs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import form_token
from tests.webapp.inspection_builders import hand_back, make_inspection_site
from webapp.admin.models import AuditEntry
from webapp.exams.models import Attempt
from webapp.inspections.models import Finding
from webapp.standing.models import Event


@pytest.fixture
def site(db):
    return make_inspection_site(db)


def _open(client, site) -> int:
    r = client.post("/api/v1/inspections", json={"department_id": site["dept"]})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def _spot(client, inspection_id: int, person_id: int) -> dict:
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests", json={"person_id": person_id, "pin": "2468"}
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def _standing(client, person_id: int) -> dict:
    return client.get(f"/api/v1/people/{person_id}/standing?post=welding").get_json()


# --- 三违 needs a confirmation --------------------------------------------------------------------------------


@pytest.mark.parametrize("confirm", [None, False])
def test_an_unconfirmed_violation_through_the_api_records_nothing_and_says_what_it_would_do(
    client, site, db, confirm
):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    body = {"person_id": site["people"][0], "category": "违章作业", "note": "动火未办票", "post": "welding"}
    if confirm is not None:
        body["confirm"] = confirm
    r = client.post(f"/api/v1/inspections/{inspection_id}/findings", json=body)
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "confirmation_required" and "立即停岗" in error["message"]
    assert (
        db.scalars(select(Finding)).all() == []
        and db.scalars(select(Event).where(Event.kind == "violation_recorded")).all() == []
    )
    assert _standing(client, site["people"][0])["may_work"] is True


def test_confirm_must_be_a_boolean(client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/findings",
        json={"person_id": site["people"][0], "category": "违章作业", "note": "x", "confirm": "yes"},
    )
    assert r.status_code == 400


def test_the_violation_form_asks_for_confirmation_before_taking_the_worker_off_the_post(client, site, db):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    li = site["people"][1]
    html = client.get(f"/inspections/{inspection_id}/people/{li}").get_data(as_text=True)
    form = {
        "csrf_token": form_token(html),
        "person_id": li,
        "category": "违章作业",
        "note": "高处作业未系安全带",
        "post": "welding",
    }
    first = client.post(f"/inspections/{inspection_id}/findings", data=form)
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and "确认记录三违" in page and "李四" in page and "立即停岗" in page
    assert 'name="confirm" value="1"' in page
    assert db.scalars(select(Finding)).all() == [] and _standing(client, li)["may_work"] is True
    r = client.post(f"/inspections/{inspection_id}/findings", data={**form, "confirm": "1"})
    assert r.status_code == 302
    db.rollback()  # a fresh snapshot: the request committed in its own session
    assert len(db.scalars(select(Finding)).all()) == 1 and _standing(client, li)["may_work"] is False


# --- voiding a spot test -----------------------------------------------------------------------------------------


def test_a_running_spot_test_keeps_the_inspection_open_until_it_is_voided_with_a_reason(client, site, db):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    zhang = site["people"][0]
    attempt = _spot(client, inspection_id, zhang)
    hand_back(client)  # the worker was called away: the inspector takes the tablet back
    r = client.post(f"/api/v1/inspections/{inspection_id}/close")
    assert r.status_code == 409
    message = r.get_json()["error"]["message"]
    assert "张三" in message and "作废" in message

    no_reason = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests/{attempt['id']}/void", json={"reason": " "}
    )
    assert no_reason.status_code == 400 and "原因" in no_reason.get_json()["error"]["message"]
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests/{attempt['id']}/void",
        json={"reason": "作业人员被叫走，未答完"},
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    data = r.get_json()
    assert data["tally"]["voided"] == 1 and data["tally"]["running"] == 0
    assert data["spot_tests"][0]["state"] == "voided"
    assert data["spot_tests"][0]["void_reason"] == "作业人员被叫走，未答完"

    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "spot_test_voided")).one()
    assert entry.organisation_id == site["org"] and entry.data["reason"] == "作业人员被叫走，未答完"
    assert entry.target == f"attempt:{attempt['id']}"
    # Voided: no result, nothing in the worker's standing, no more answers, and the inspection closes.
    taken = db.scalars(select(Event).where(Event.kind == "exam_taken", Event.person_id == zhang)).all()
    assert [e for e in taken if e.data.get("kind") == "spot"] == []
    assert _standing(client, zhang)["may_work"] is True
    first = attempt["questions"][0]["id"]
    assert (
        client.put(f"/api/v1/attempts/{attempt['id']}/responses/{first}", json={"choices": [0]}).status_code
        == 409
    )
    assert client.post(f"/api/v1/inspections/{inspection_id}/close").status_code == 200
    report = client.get(f"/inspections/{inspection_id}/report").get_data(as_text=True)
    assert "已作废" in report and "作业人员被叫走" in report
    assert client.get(f"/inspections/{inspection_id}/report.xlsx").status_code == 200


def test_a_handed_in_spot_test_cannot_be_voided(client, site, db):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    attempt = _spot(client, inspection_id, site["people"][0])
    client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    hand_back(client)
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests/{attempt['id']}/void", json={"reason": "不想要了"}
    )
    assert r.status_code == 409
    assert db.get(Attempt, attempt["id"]).kind == "spot"
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "spot_test_voided")).all() == []


def test_only_the_inspector_who_opened_the_inspection_voids_its_spot_tests(app, client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    attempt = _spot(client, inspection_id, site["people"][0])
    other = app.test_client()
    other.sign_in("insp2")
    r = other.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests/{attempt['id']}/void", json={"reason": "x"}
    )
    assert r.status_code == 403


def test_voiding_from_the_person_page_then_a_new_spot_test_can_start(client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    zhang = site["people"][0]
    attempt = _spot(client, inspection_id, zhang)
    hand_back(client)
    html = client.get(f"/inspections/{inspection_id}/people/{zhang}").get_data(as_text=True)
    # While a test is 作答中 the page offers no second 开始抽考, only 继续作答 and 作废.
    assert "开始抽考" not in html and "作答中" in html and "继续作答" in html and "作废此抽考" in html
    r = client.post(
        f"/inspections/{inspection_id}/spot-tests/{attempt['id']}/void",
        data={"csrf_token": form_token(html), "reason": "抽错了人"},
    )
    assert r.status_code == 302
    html = client.get(r.location).get_data(as_text=True)
    assert "已作废" in html and "开始抽考：电焊工" in html and "作废此抽考" not in html
    again = _spot(client, inspection_id, zhang)
    assert again["id"] != attempt["id"]


def test_a_second_post_is_not_spot_tested_while_the_first_runs(client, site, db):
    from tests.webapp.base_builders import make_person
    from tests.webapp.builders import make_post_with_questions
    from webapp.org.models import Department, Organisation, Post

    welding = db.scalar(select(Post).where(Post.code == "welding"))
    forklift = make_post_with_questions(db, "forklift", "叉车司机", per_type=12)
    org, dept = db.get(Organisation, site["org"]), db.get(Department, site["dept"])
    both = make_person(db, org, "钱七", "E007", department=dept, posts=[welding, forklift], pin="2468")
    db.commit()
    client.sign_in("insp")
    inspection_id = _open(client, site)
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests",
        json={"person_id": both.id, "pin": "2468", "post": "welding"},
    )
    assert r.status_code == 201
    hand_back(client)
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests",
        json={"person_id": both.id, "pin": "2468", "post": "forklift"},
    )
    assert r.status_code == 409 and "作答中" in r.get_json()["error"]["message"]


def test_a_voided_spot_test_is_not_in_the_workers_results(app, client, site, db):
    from webapp.org.models import User

    client.sign_in("insp")
    inspection_id = _open(client, site)
    w9 = db.scalar(select(User).where(User.username == "w9")).person_id
    r = client.post(f"/api/v1/inspections/{inspection_id}/spot-tests", json={"person_id": w9, "pin": "1111"})
    attempt_id = r.get_json()["id"]
    hand_back(client)
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests/{attempt_id}/void", json={"reason": "抽错人"}
    )
    assert r.status_code == 200
    worker = app.test_client()
    worker.sign_in("w9")
    for url in ("/", "/exams"):
        page = worker.get(url)
        assert page.status_code == 200 and "逢查必考" not in page.get_data(as_text=True), url
