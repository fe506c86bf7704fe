"""Inspections: opening, kiosk spot tests (PIN, answering through the attempt API as the inspector),
the result in the worker's standing at once, 三违, closing, the report as page, PDF and Excel."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from tests.webapp.inspection_builders import hand_back, make_inspection_site
from tests.webapp.standing_builders import answer_all
from webapp.exams.models import Attempt
from webapp.inspections.models import Inspection
from webapp.org.models import Organisation
from webapp.standing.models import Event

TODAY = date(2025, 3, 3)  # the test clock's date in China


@pytest.fixture
def site(db):
    return make_inspection_site(db)


def _open(client, site, **body) -> int:
    r = client.post("/api/v1/inspections", json={"department_id": site["dept"], **body})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def _spot(client, inspection_id: int, person_id: int, pin: str = "2468"):
    return client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests", json={"person_id": person_id, "pin": pin}
    )


def _standing(client, person_id: int) -> dict:
    r = client.get(f"/api/v1/people/{person_id}/standing?post=welding")
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


# --- opening ---------------------------------------------------------------------------------------------------


def test_an_inspector_opens_an_inspection_of_a_granted_enterprise(client, site, db):
    client.sign_in("insp")
    inspection_id = _open(client, site, note="动火作业专项检查")
    row = db.get(Inspection, inspection_id)
    assert (row.organisation_id, row.department_id, row.note) == (
        site["org"],
        site["dept"],
        "动火作业专项检查",
    )
    assert row.closed_at is None


def test_a_department_of_an_enterprise_not_granted_is_not_found(client, site):
    client.sign_in("insp")
    r = client.post("/api/v1/inspections", json={"department_id": site["other_dept"]})
    assert r.status_code == 404


@pytest.mark.parametrize(
    "body", [{}, {"department_id": "1"}, {"department_id": True}, {"department_id": 1, "note": 5}]
)
def test_opening_with_a_bad_body_says_what_is_wrong(client, site, body):
    client.sign_in("insp")
    r = client.post("/api/v1/inspections", json=body)
    assert r.status_code == 400 and r.get_json()["error"]["message"]


@pytest.mark.parametrize("username", ["trainer", "hr", "w9"])
def test_only_inspectors_open_inspections(client, site, username):
    client.sign_in(username)
    r = client.post("/api/v1/inspections", json={"department_id": site["dept"]})
    assert r.status_code == 403


def test_the_inspection_page_lists_the_department_and_its_teams_with_standing_badges(client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    html = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    for name in ("张三", "李四", "王五", "w9"):
        assert name in html
    assert "赵六" not in html  # another enterprise
    assert 'class="badge ok"' in html and "合格在岗" in html
    assert 'class="tally"' in html


def test_the_suggested_sample_is_stable_for_an_inspection_and_drawn_from_its_people(client, site, db):
    from webapp.inspections.service import department_people, suggested_sample

    client.sign_in("insp")
    inspection = db.get(Inspection, _open(client, site))
    people = department_people(db, inspection)
    first = suggested_sample(inspection, people)
    assert first == suggested_sample(inspection, list(reversed(people)))
    assert 2 <= len(first) <= len(people) and set(first) <= set(people)


# --- finding a worker -------------------------------------------------------------------------------------------


def test_a_worker_is_found_by_employee_number_or_badge_url_but_not_across_enterprises(client, site, db):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    zhang = site["people"][0]
    for code in ("E001", f"https://example.cn/inspections/badge/{site['org']}/E001", " E001 "):
        r = client.get(f"/inspections/{inspection_id}/find", query_string={"code": code})
        assert r.status_code == 302 and r.location.endswith(f"/inspections/{inspection_id}/people/{zhang}"), (
            code
        )
    other_org = db.scalar(select(Organisation.id).where(Organisation.name == "乙企业"))
    for code in ("E404", f"/inspections/badge/{other_org}/E001"):
        r = client.get(f"/inspections/{inspection_id}/find", query_string={"code": code})
        assert r.location.endswith(f"/inspections/{inspection_id}"), code


def test_a_scanned_badge_leads_to_the_worker_in_the_inspectors_open_inspection(client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    r = client.get(f"/inspections/badge/{site['org']}/E002")
    assert r.location.endswith(f"/inspections/{inspection_id}/people/{site['people'][1]}")


# --- spot tests in kiosk mode ----------------------------------------------------------------------------------


def test_the_right_pin_draws_the_spot_paper_of_the_workers_post_without_answers(client, site, db):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    r = _spot(client, inspection_id, site["people"][0])
    assert r.status_code == 201, r.get_data(as_text=True)
    attempt = r.get_json()
    assert attempt["kind"] == "spot" and attempt["post"] == "welding" and len(attempt["questions"]) == 10
    assert "answer" not in r.get_data(as_text=True)
    row = db.get(Attempt, attempt["id"])
    assert row.inspection_id == inspection_id and row.person_id == site["people"][0]


def test_asking_again_before_hand_in_resumes_the_same_paper(client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    first = _spot(client, inspection_id, site["people"][0]).get_json()
    hand_back(client)  # the worker stepped away; the inspector takes the tablet and hands it over again
    again = _spot(client, inspection_id, site["people"][0]).get_json()
    assert again["id"] == first["id"] and again["questions"] == first["questions"]


def test_a_wrong_pin_is_refused_and_counted_until_the_throttle_stops_it(client, site, app):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    for _ in range(app.config["LOGIN_LIMIT_PER_ACCOUNT"]):
        r = _spot(client, inspection_id, site["people"][0], pin="0000")
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "wrong_pin"
    r = _spot(client, inspection_id, site["people"][0], pin="2468")
    assert r.status_code == 429


def test_a_failed_spot_test_shows_at_once_as_a_makeup_due_within_seven_days(client, site, db):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    zhang = site["people"][0]
    attempt = _spot(client, inspection_id, zhang).get_json()
    answer_all(client, attempt, right=False)
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert result["passed"] is False
    hand_back(client)
    standing = _standing(client, zhang)
    assert standing["status"] == "makeup_due"
    makeup = next(o for o in standing["owed"] if o["kind"] == "makeup_exam")
    assert makeup["deadline"] == (TODAY + timedelta(days=7)).isoformat()
    event = db.scalar(
        select(Event).where(Event.person_id == zhang, Event.kind == "exam_taken").order_by(Event.id.desc())
    )
    assert event.data["kind"] == "spot" and event.data["passed"] is False


def test_a_passed_spot_test_leaves_the_worker_qualified(client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    attempt = _spot(client, inspection_id, site["people"][1]).get_json()
    answer_all(client, attempt, right=True)
    assert client.post(f"/api/v1/attempts/{attempt['id']}/submit").get_json()["passed"] is True
    hand_back(client)
    standing = _standing(client, site["people"][1])
    assert standing["may_work"] is True and standing["status"] == "qualified"


def test_the_strict_policy_sends_a_failed_spot_test_to_offduty_retraining(client, site, db):
    db.get(Organisation, site["org"]).policy = {"spot_fail": "retrain"}
    db.commit()
    client.sign_in("insp")
    attempt = _spot(client, _open(client, site), site["people"][0]).get_json()
    client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    hand_back(client)
    standing = _standing(client, site["people"][0])
    assert standing["may_work"] is False and standing["status"] == "offduty_retraining"
    assert any(o["kind"] == "offduty_training" and o["hours_remaining"] == 24 for o in standing["owed"])


def test_kiosk_rule_only_the_inspector_who_started_the_spot_test_acts_for_the_worker(app, client, site):
    client.sign_in("insp")
    attempt = _spot(client, _open(client, site), site["people"][0]).get_json()
    question = attempt["questions"][0]["id"]
    other = app.test_client()
    other.sign_in("insp2")  # same grant, not the one who started it
    assert other.get(f"/api/v1/attempts/{attempt['id']}").status_code == 404
    assert (
        other.put(f"/api/v1/attempts/{attempt['id']}/responses/{question}", json={"choices": [0]}).status_code
        == 404
    )
    assert other.post(f"/api/v1/attempts/{attempt['id']}/submit").status_code == 404
    trainer = app.test_client()
    trainer.sign_in("trainer")
    assert trainer.post(f"/api/v1/attempts/{attempt['id']}/submit").status_code in (403, 404)
    assert (
        client.put(
            f"/api/v1/attempts/{attempt['id']}/responses/{question}", json={"choices": [0]}
        ).status_code
        == 204
    )


def test_only_the_inspector_who_opened_the_inspection_starts_spot_tests_in_it(app, client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    other = app.test_client()
    other.sign_in("insp2")
    assert _spot(other, inspection_id, site["people"][0]).status_code == 403
    assert other.get(f"/api/v1/inspections/{inspection_id}").status_code == 200  # may read it


def test_a_person_of_another_enterprise_cannot_be_spot_tested(client, site, db):
    from webapp.org.models import Person

    client.sign_in("insp")
    stranger = db.scalar(select(Person.id).where(Person.name == "赵六"))
    assert _spot(client, _open(client, site), stranger).status_code == 404


# --- 三违, closing, report ----------------------------------------------------------------------------------------


def test_a_violation_takes_the_worker_off_the_post_at_once(client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/findings",
        json={
            "person_id": site["people"][2],
            "category": "违章作业",
            "note": "动火未办票",
            "post": "welding",
            "confirm": True,
        },
    )
    assert r.status_code == 201
    standing = _standing(client, site["people"][2])
    assert standing["may_work"] is False and standing["status"] == "suspended_violation"
    assert any(o["kind"] == "offduty_training" and o["hours_remaining"] == 8 for o in standing["owed"])
    data = client.get(f"/api/v1/inspections/{inspection_id}").get_json()
    assert data["findings"][0]["category"] == "违章作业"


@pytest.mark.parametrize(
    "body",
    [
        {"category": "迟到", "note": "x"},
        {"category": "违章作业", "note": "  "},
        {"category": "违章作业", "note": 3},
    ],
)
def test_a_violation_needs_a_known_category_and_a_note(client, site, body):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/findings", json={"person_id": site["people"][0], **body}
    )
    assert r.status_code == 400


def test_closing_waits_for_a_running_spot_test_and_then_refuses_more_work(client, site, clock):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    attempt = _spot(client, inspection_id, site["people"][0]).get_json()
    hand_back(client)
    r = client.post(f"/api/v1/inspections/{inspection_id}/close")
    assert r.status_code == 409 and "张三" in r.get_json()["error"]["message"]
    clock.advance(minutes=11)  # past the 10-minute limit: graded as saved
    r = client.post(f"/api/v1/inspections/{inspection_id}/close")
    assert r.status_code == 200
    report = r.get_json()
    assert report["closed_at"] and report["tally"] == {"passed": 0, "failed": 1, "running": 0, "voided": 0}
    assert report["spot_tests"][0]["attempt_id"] == attempt["id"]
    assert _spot(client, inspection_id, site["people"][1]).status_code == 409
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/findings",
        json={"person_id": site["people"][1], "category": "违章作业", "note": "x", "confirm": True},
    )
    assert r.status_code == 409


def test_the_report_as_pdf_and_excel_with_formulas_neutralised(client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site, note='=HYPERLINK("http://evil")')
    attempt = _spot(client, inspection_id, site["people"][0]).get_json()
    client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    hand_back(client)
    client.post(
        f"/api/v1/inspections/{inspection_id}/findings",
        json={"person_id": site["people"][1], "category": "违反劳动纪律", "note": "+1 脱岗", "confirm": True},
    )
    assert client.post(f"/api/v1/inspections/{inspection_id}/close").status_code == 200

    page = client.get(f"/inspections/{inspection_id}/report").get_data(as_text=True)
    assert "张三" in page and "违反劳动纪律" in page and "须在" in page  # the make-up owed

    pdf = client.get(f"/inspections/{inspection_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"

    xlsx = client.get(f"/inspections/{inspection_id}/report.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["概况", "抽考结果", "三违记录", "应补事项"]
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://evil")' in cells and "'+1 脱岗" in cells
    assert not any(isinstance(v, str) and v.startswith(("=", "+")) for v in cells)
    tested = list(book["抽考结果"].iter_rows(values_only=True))
    assert tested[1][:2] == ("张三", "E001") and tested[1][5] == "不合格"
    owed = {row[0]: row for row in book["应补事项"].iter_rows(min_row=2, values_only=True)}
    assert owed["张三"][3] == "待补考" and owed["李四"][4] == "不可"


def test_the_report_pdf_shows_the_chinese_text(client, site, tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    client.sign_in("insp")
    inspection_id = _open(client, site)
    client.post(f"/api/v1/inspections/{inspection_id}/close")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(client.get(f"/inspections/{inspection_id}/report.pdf").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "现场安全检查报告" in text and "一车间" in text


# --- pages (kiosk flow without a browser) -------------------------------------------------------------------------


def test_the_kiosk_pages_pin_then_paper_then_hand_back(client, site):
    from tests.webapp.base_builders import form_token

    client.sign_in("insp")
    inspection_id = _open(client, site)
    zhang = site["people"][0]
    person_page = client.get(f"/inspections/{inspection_id}/people/{zhang}").get_data(as_text=True)
    assert "开始抽考：电焊工" in person_page and "记录三违" in person_page
    r = client.post(
        f"/inspections/{inspection_id}/people/{zhang}/hand-over",
        data={"csrf_token": form_token(person_page), "post": "welding"},
    )
    pin_url = f"/inspections/{inspection_id}/people/{zhang}/spot-test?post=welding"
    assert r.status_code == 302 and r.location.endswith(pin_url)
    html = client.get(pin_url).get_data(as_text=True)
    assert "请 <strong>张三</strong>" in html
    wrong = client.post(pin_url, data={"csrf_token": form_token(html), "pin": "9999", "post": "welding"})
    assert wrong.status_code == 403 and "PIN 码错误" in wrong.get_data(as_text=True)
    r = client.post(pin_url, data={"csrf_token": form_token(html), "pin": "2468", "post": "welding"})
    assert r.status_code == 302 and "/spot-tests/" in r.location
    kiosk = client.get(r.location).get_data(as_text=True)
    assert 'id="exam"' in kiosk and "/result" in kiosk
    attempt_id = int(r.location.rstrip("/").split("/")[-1])
    client.post(f"/api/v1/attempts/{attempt_id}/submit")
    done = client.get(r.location + "/result").get_data(as_text=True)
    assert "不合格" in done and "交还检查人员" in done


def test_a_finding_recorded_from_the_page_shows_on_the_inspection(client, site):
    from tests.webapp.base_builders import form_token

    client.sign_in("insp")
    inspection_id = _open(client, site)
    html = client.get(f"/inspections/{inspection_id}/people/{site['people'][1]}").get_data(as_text=True)
    r = client.post(
        f"/inspections/{inspection_id}/findings",
        data={
            "csrf_token": form_token(html),
            "person_id": site["people"][1],
            "category": "违章指挥",
            "note": "强令冒险作业",
            "post": "welding",
            "confirm": "1",
        },
    )
    assert r.status_code == 302
    page = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "强令冒险作业" in page and "三违停岗" in page


def test_the_openapi_document_describes_the_inspection_and_standing_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/inspections", "/api/v1/inspections/{inspection_id}/spot-tests", "/api/v1/inspections/{inspection_id}/findings",
        "/api/v1/inspections/{inspection_id}/close", "/api/v1/people/{person_id}/standing",
    ):  # fmt: skip
        assert path in paths, path
    spot = paths["/api/v1/inspections/{inspection_id}/spot-tests"]["post"]
    assert spot["requestBody"]["content"]["application/json"]["schema"]["required"] == ["person_id", "pin"]
