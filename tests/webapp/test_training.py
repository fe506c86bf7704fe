"""Training sessions (attendance → `training_completed` events), the retraining queue (schedule the make-up
or retraining exam; passing closes the case), and what a worker owes on their home page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from quizbank import rules
from tests.webapp.base_builders import (
    form_token,
    make_department,
    make_org,
    make_person,
    make_post,
    make_question_sets,
    make_user,
)
from tests.webapp.standing_builders import add_event, answer_all, qualify
from webapp.exams.models import Exam
from webapp.standing.models import Event
from webapp.training.models import Attendance, CaseExam, TrainingSession

TODAY = date(2025, 3, 3)


@pytest.fixture
def plant(db):
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    post = make_post(db, "welding", "电焊工")
    make_question_sets(db, "welding", "电焊工", per_type=40)
    zhang = make_person(db, org, "张三", "E001", department=dept, posts=[post], pin="2468")
    li = make_person(db, org, "李四", "E002", department=dept, posts=[post], pin="1357")
    for p in (zhang, li):
        qualify(db, p, "welding")
    make_user(db, org, "zhang", ("worker",), person=zhang)
    make_user(db, org, "trainer", ("trainer",))
    other = make_org(db, "乙企业")
    stranger = make_person(db, other, "赵六", "X001", posts=[post])
    make_user(db, other, "other-trainer", ("trainer",))
    db.commit()
    return {"org": org.id, "dept": dept.id, "zhang": zhang.id, "li": li.id, "stranger": stranger.id}


def _fail_spot(db, person_id: int, on: date = TODAY) -> None:
    from webapp.org.models import Person

    add_event(
        db,
        db.get(Person, person_id),
        rules.ExamTaken(on=on, kind="spot", passed=False, score=40, post="welding"),
    )
    db.commit()


def _session_form(client, **fields) -> dict:
    html = client.get("/training/sessions/new").get_data(as_text=True)
    base = {
        "csrf_token": form_token(html),
        "level": "offduty",
        "title": "脱产复训班",
        "held_on": TODAY.isoformat(),
        "hours": "8",
    }
    return {**base, **fields}


def _queue_form(client, person_id: int, kind: str, opened: date) -> dict:
    html = client.get("/training").get_data(as_text=True)
    return {
        "csrf_token": form_token(html),
        "person_id": person_id,
        "post": "welding",
        "kind": kind,
        "opened": opened.isoformat(),
    }


def _standing(client, person_id: int) -> dict:
    return client.get(f"/api/v1/people/{person_id}/standing?post=welding").get_json()


def _sit(app, exam_id: int, *, right: bool) -> dict:
    worker = app.test_client()
    worker.sign_in("zhang")
    attempt = worker.post("/api/v1/attempts", json={"exam_id": exam_id})
    assert attempt.status_code == 201, attempt.get_data(as_text=True)
    answer_all(worker, attempt.get_json(), right=right)
    return worker.post(f"/api/v1/attempts/{attempt.get_json()['id']}/submit").get_json()


# --- sessions ------------------------------------------------------------------------------------------------


def test_a_session_appends_one_training_completed_event_per_attendee(client, plant, db):
    client.sign_in("trainer")
    r = client.post(
        "/training/sessions",
        data=_session_form(
            client,
            level="periodic",
            hours="4",
            person=[plant["zhang"], plant["li"]],
            **{f"hours-{plant['li']}": "2"},
        ),
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    row = db.scalar(select(TrainingSession))
    events = db.scalars(
        select(Event).where(
            Event.kind == "training_completed", Event.data["session_id"].as_string() == row.session_key
        )
    ).all()
    assert sorted((e.person_id, e.data["hours"], e.data["level"]) for e in events) == sorted(
        [(plant["zhang"], 4.0, "periodic"), (plant["li"], 2.0, "periodic")]
    )
    assert {a.event_id for a in db.scalars(select(Attendance))} == {e.id for e in events}
    page = client.get(r.location).get_data(as_text=True)
    assert "张三" in page and "李四" in page


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"held_on": "2025-03-04"}, "不能晚于今天"),
        ({"hours": "0"}, "学时"),
        ({"hours": "abc"}, "请填写数字"),
        ({"level": "weekly"}, "培训类别"),
        ({"title": " "}, "培训名称"),
        ({"hours-0": ""}, "请至少选择一人"),
    ],
)
def test_a_bad_session_is_refused_with_the_field_and_nothing_is_written(client, plant, db, fields, message):
    client.sign_in("trainer")
    data = _session_form(client, **fields)
    if "hours-0" not in fields:
        data["person"] = [plant["zhang"]]
    r = client.post("/training/sessions", data=data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert db.scalar(select(func.count(TrainingSession.id))) == 0
    assert (
        db.scalar(select(func.count(Event.id)).where(Event.data["session_id"].as_string().like("session:%")))
        == 0
    )


def test_an_attendee_cannot_get_more_hours_than_the_session(client, plant, db):
    client.sign_in("trainer")
    r = client.post(
        "/training/sessions",
        data=_session_form(client, person=[plant["zhang"]], **{f"hours-{plant['zhang']}": "9"}),
    )
    assert r.status_code == 400 and "张三 的学时" in r.get_data(as_text=True)


def test_a_person_of_another_enterprise_cannot_be_signed_in_to_a_session(client, plant, db):
    client.sign_in("trainer")
    r = client.post("/training/sessions", data=_session_form(client, person=[plant["stranger"]]))
    assert r.status_code == 404
    assert db.scalar(select(func.count(TrainingSession.id))) == 0


def test_workers_do_not_reach_the_trainers_pages(app, plant):
    worker = app.test_client()
    worker.sign_in("zhang")
    for url in ("/training", "/training/sessions", "/training/sessions/new"):
        assert worker.get(url).status_code == 403


# --- the retraining queue ----------------------------------------------------------------------------------------


def test_a_failed_spot_test_is_queued_and_the_passed_makeup_closes_the_case(app, client, plant, db):
    _fail_spot(db, plant["zhang"])
    client.sign_in("trainer")
    page = client.get("/training").get_data(as_text=True)
    assert "张三 · 补考" in page and "2025-03-10" in page and "安排补考" in page
    r = client.post("/training/cases/exam", data=_queue_form(client, plant["zhang"], "makeup", TODAY))
    assert r.status_code == 302
    exam = db.scalar(select(Exam).where(Exam.kind == "makeup"))
    assert exam.title == "补考：张三（电焊工）"
    assert exam.closes_at.isoformat() == "2025-03-10T15:59:00+00:00"  # 23:59 China time on the deadline
    assert db.scalar(select(CaseExam)).exam_id == exam.id
    assert "已安排：补考：张三" in client.get("/training").get_data(as_text=True)

    assert _sit(app, exam.id, right=True)["passed"] is True
    standing = _standing(client, plant["zhang"])
    assert standing["status"] == "qualified" and not any(o["kind"] == "makeup_exam" for o in standing["owed"])
    assert "张三 · 补考" not in client.get("/training").get_data(as_text=True)


def test_a_failed_makeup_sends_the_worker_to_offduty_retraining(app, client, plant, db):
    _fail_spot(db, plant["zhang"])
    client.sign_in("trainer")
    client.post("/training/cases/exam", data=_queue_form(client, plant["zhang"], "makeup", TODAY))
    exam = db.scalar(select(Exam).where(Exam.kind == "makeup"))
    assert _sit(app, exam.id, right=False)["passed"] is False
    standing = _standing(client, plant["zhang"])
    assert standing["may_work"] is False and standing["status"] == "offduty_retraining"
    assert "张三 · 脱产复训" in client.get("/training").get_data(as_text=True)


def test_a_violation_case_needs_its_hours_before_the_retraining_exam_which_closes_it(app, client, plant, db):
    from webapp.org.models import Person

    add_event(
        db,
        db.get(Person, plant["zhang"]),
        rules.ViolationRecorded(on=TODAY, category="违章作业", note="未系安全带"),
    )
    db.commit()
    client.sign_in("trainer")
    assert "还差 8 学时" in client.get("/training").get_data(as_text=True)
    r = client.post("/training/cases/exam", data=_queue_form(client, plant["zhang"], "violation", TODAY))
    assert r.status_code == 302 and db.scalar(select(func.count(Exam.id))) == 0
    assert "还差 8 学时" in client.get("/training").get_data(as_text=True)

    client.post("/training/sessions", data=_session_form(client, person=[plant["zhang"]]))
    assert "安排复训考试" in client.get("/training").get_data(as_text=True)
    client.post("/training/cases/exam", data=_queue_form(client, plant["zhang"], "violation", TODAY))
    db.rollback()  # a fresh read of what the requests committed
    exam = db.scalar(select(Exam).where(Exam.kind == "retraining"))
    assert exam is not None
    assert _standing(client, plant["zhang"])["may_work"] is False
    assert _sit(app, exam.id, right=True)["passed"] is True
    assert _standing(client, plant["zhang"])["may_work"] is True
    assert "张三 · 三违停岗复训" not in client.get("/training").get_data(as_text=True)


def test_a_case_cannot_be_scheduled_twice_or_by_another_enterprise(app, client, plant, db):
    _fail_spot(db, plant["zhang"])
    client.sign_in("trainer")
    client.post("/training/cases/exam", data=_queue_form(client, plant["zhang"], "makeup", TODAY))
    client.post("/training/cases/exam", data=_queue_form(client, plant["zhang"], "makeup", TODAY))
    assert db.scalar(select(func.count(Exam.id))) == 1
    other = app.test_client()
    other.sign_in("other-trainer")
    assert "张三" not in other.get("/training").get_data(as_text=True)
    r = other.post("/training/cases/exam", data=_queue_form(other, plant["zhang"], "makeup", TODAY))
    assert r.status_code == 404


# --- the worker's home page ---------------------------------------------------------------------------------------


def test_the_worker_sees_what_they_owe_and_by_when_on_their_home_page(app, client, plant, db):
    _fail_spot(db, plant["zhang"])
    client.sign_in("trainer")
    client.post("/training/cases/exam", data=_queue_form(client, plant["zhang"], "makeup", TODAY))
    worker = app.test_client()
    worker.sign_in("zhang")
    html = worker.get("/").get_data(as_text=True)
    assert "我的上岗资格" in html and "待补考" in html and "2025-03-10" in html
    assert "补考：张三（电焊工）" in html and "<svg" in html and "E001" in html


# --- an exam scheduled for one person ------------------------------------------------------------------------


def test_a_makeup_scheduled_for_one_worker_is_that_workers_alone(app, client, plant, db):
    from webapp.org.models import Organisation, Person

    make_user(db, db.get(Organisation, plant["org"]), "li", ("worker",), person=db.get(Person, plant["li"]))
    db.commit()
    _fail_spot(db, plant["zhang"])
    client.sign_in("trainer")
    client.post("/training/cases/exam", data=_queue_form(client, plant["zhang"], "makeup", TODAY))
    exam = db.scalar(select(Exam).where(Exam.kind == "makeup"))
    assert exam.person_id == plant["zhang"]

    li = app.test_client()
    li.sign_in("li")  # same post, same department
    assert exam.id not in [e["id"] for e in li.get("/api/v1/exams").get_json()]
    assert exam.title not in li.get("/exams").get_data(as_text=True)
    assert exam.title not in li.get("/").get_data(as_text=True)
    r = li.post("/api/v1/attempts", json={"exam_id": exam.id})
    assert r.status_code == 404, r.get_data(as_text=True)
    assert li.post(f"/exams/{exam.id}/start", data={"csrf_token": li.csrf_token}).status_code == 404

    zhang = app.test_client()
    zhang.sign_in("zhang")
    assert exam.id in [e["id"] for e in zhang.get("/api/v1/exams").get_json()]

    for page in ("/bank/exams", "/exams/schedule"):
        html = client.get(page).get_data(as_text=True)
        assert "张三（E001）" in html, page
    assert '<td class="num">1</td>' in client.get("/bank/exams").get_data(as_text=True)  # 应考: one person
