"""The staff dashboard and the exam roster agree with counts made by hand for a small plant on
2025-03-03: who may not work and why, make-ups due, what is overdue, the retraining backlog's age,
certificates expiring in 30/60/90 days, this month's exam 应考/实考/缺考/通过, and the 成绩单."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from quizbank import rules
from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import make_attempt, make_exam, signed_in
from tests.webapp.standing_builders import add_event, qualify
from tests.webapp.test_api_contract import conforms
from webapp.certs import service as cert_service


@pytest.fixture
def plant(app, db):
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    post = make_post(db, "welding", "电焊工")
    names = {"A": "安然", "B": "包补考", "C": "陈三违", "D": "丁逾期", "E": "鄂新人"}
    p = {
        k: make_person(db, org, v, f"E{i}", department=dept, posts=[post])
        for i, (k, v) in enumerate(names.items())
    }
    for k in "ABCD":
        qualify(db, p[k], "welding", on=date(2024, 4, 1))
        add_event(
            db,
            p[k],
            rules.TrainingCompleted(on=date(2025, 1, 5), level="periodic", hours=8, session_id=f"y{k}"),
        )
    add_event(db, p["B"], rules.ExamTaken(on=date(2025, 3, 1), kind="spot", passed=False, post="welding"))
    add_event(db, p["C"], rules.ViolationRecorded(on=date(2025, 2, 21), category="违章作业", post="welding"))
    add_event(db, p["D"], rules.ExamTaken(on=date(2025, 2, 20), kind="spot", passed=False, post="welding"))
    with app.app_context():
        cert_service.issue(db, p["A"], post, on=date(2024, 4, 1))  # expires within 30 days of 2025-03-03
        cert_service.record_special(db, p["A"], number="T-001", kind="熔化焊接与热切割作业", issued=date(2022, 4, 20),
                                    review_due=None, expires=None, post_code=None, recorded_by=None, on=date(2024, 4, 1))  # fmt: skip
    exam = make_exam(db, org, post, title="三月定期考试", opens_at=datetime(2025, 3, 1, 1, tzinfo=UTC),
                     closes_at=datetime(2025, 3, 2, 9, tzinfo=UTC))  # fmt: skip
    for k, passed in (("A", True), ("B", False)):
        a = make_attempt(db, p[k], post, on="2025-03-01", passed=passed)
        a.exam_id = exam.id
    make_user(db, org, "hr1", ("hr",))
    make_user(db, make_org(db, "乙企业"), "hr2", ("hr",))
    make_user(db, org, "wA", ("worker",), person=p["A"])
    db.commit()
    return {"p": p, "exam": exam}


def test_dashboard_counts_agree_with_the_plant(app, client, plant):
    doc = client.get("/api/v1/openapi.json").get_json()
    r = signed_in(app, "hr1").get("/api/v1/dashboard")
    conforms(doc, "/api/v1/dashboard", "get", r)
    d = r.get_json()
    assert d["on"] == "2025-03-03" and d["people"] == 5
    # B owes a make-up (barred: makeup_may_work is off), C a 三违, D missed the make-up, E is untrained
    assert sorted(x["name"] for x in d["barred"]) == sorted(["包补考", "陈三违", "丁逾期", "鄂新人"])
    assert d["may_work_today"] == 1
    assert [(x["name"], x["due"]) for x in d["makeup_due"]] == [("包补考", "2025-03-08")]
    assert [x["name"] for x in d["overdue"]] == ["丁逾期"]
    assert "补考逾期" in d["overdue"][0]["reasons"][0]
    # D's case opened the day after the make-up deadline (2025-02-28): 3 days; C's 三违 on 02-21: 10 days
    assert [(x["name"], x["age_days"]) for x in d["retraining_backlog"]] == [("陈三违", 10), ("丁逾期", 3)]
    assert d["expiring"] == {
        "30": 1,
        "60": 2,
        "90": 2,
    }  # the 合格证 (≤30) and the 特种作业证 review (48 days)
    assert d["month_exams"] == {"due": 5, "sat": 2, "no_show": 3, "passed": 1}


def test_home_page_shows_the_barred_count_and_clicks_through_to_who_and_why(app, plant):
    hr = signed_in(app, "hr1")
    home = hr.get("/").get_data(as_text=True)
    assert 'id="fig-barred"><strong>4</strong>' in home
    html = hr.get("/dashboard/people?list=barred").get_data(as_text=True)
    assert "陈三违" in html and "记录三违（违章作业）" in html and "未参加岗前安全培训" in html
    assert "安然" not in html


def test_the_worker_home_has_no_dashboard_and_the_api_refuses_them(app, plant):
    worker = signed_in(app, "wA")
    assert 'id="dashboard"' not in worker.get("/").get_data(as_text=True)
    assert worker.get("/api/v1/dashboard").status_code == 403


def test_exam_roster_says_who_was_due_sat_passed_or_did_not_show(app, client, plant):
    doc = client.get("/api/v1/openapi.json").get_json()
    hr = signed_in(app, "hr1")
    r = hr.get(f"/api/v1/exams/{plant['exam'].id}/roster")
    conforms(doc, "/api/v1/exams/{exam_id}/roster", "get", r)
    states = {row["name"]: row["state"] for row in r.get_json()["rows"]}
    assert states == {
        "安然": "passed",
        "包补考": "failed",
        "陈三违": "no_show",
        "丁逾期": "no_show",
        "鄂新人": "no_show",
    }
    wb = load_workbook(io.BytesIO(hr.get(f"/exams/{plant['exam'].id}/roster.xlsx").data))
    rows = [[c.value for c in row] for row in wb["成绩单"].iter_rows(min_row=3)]
    assert [(r[1], r[4], r[6]) for r in rows] == [
        ("安然", 90, "通过"),
        ("包补考", 50, "未通过"),
        ("陈三违", None, "缺考"),
        ("丁逾期", None, "缺考"),
        ("鄂新人", None, "缺考"),
    ]
    assert signed_in(app, "hr2").get(f"/exams/{plant['exam'].id}/roster").status_code == 404
