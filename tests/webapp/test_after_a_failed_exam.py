"""After a failed exam the worker is told what happens next, from the rules' standing (a 补考 by a date, or
暂不得上岗 and off-duty retraining); a failed 补考 leaves 待参加的考试 and /api/v1/exams once the case has moved
on; the CSV export's Content-Type names the charset once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.webapp.base_builders import make_department, make_org, make_user, make_worker
from tests.webapp.builders import make_exam, make_post_with_questions
from tests.webapp.standing_builders import answer_all, qualify
from webapp.exams.service import schedule_exam
from webapp.org.models import Organisation, Person, Post

TODAY = date(2025, 3, 3)  # the test clock's date in China


@pytest.fixture
def site(db, clock):
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    post = make_post_with_questions(db, "welding", "电焊工", per_type=12)
    worker = make_worker(db, org, "w1", post, department=dept, pin="1357")
    qualify(db, worker.person, "welding")
    make_exam(db, org, post, now=clock.now, kind="periodic", title="电焊工定期考试")
    make_user(db, org, "hr", ("hr",))
    db.commit()
    return {"org": org.id, "person": worker.person_id, "post": post.id}


def _sit_and_fail(client, exam_id: int) -> dict:
    r = client.post("/api/v1/attempts", json={"exam_id": exam_id})
    assert r.status_code == 201, r.get_data(as_text=True)
    attempt = r.get_json()
    answer_all(client, attempt, right=False)
    r = client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert r.status_code == 200 and r.get_json()["passed"] is False, r.get_data(as_text=True)
    return attempt


def _open_exam_ids(client) -> list[int]:
    return [e["id"] for e in client.get("/api/v1/exams").get_json()]


def test_a_failed_exam_says_the_makeup_is_due_by_the_date_the_rules_give(client, site, db):
    from webapp.standing import service as standing_service

    client.sign_in("w1")
    [exam_id] = _open_exam_ids(client)
    attempt = _sit_and_fail(client, exam_id)
    page = client.get(f"/attempts/{attempt['id']}/result").get_data(as_text=True)
    person, post = db.get(Person, site["person"]), db.get(Post, site["post"])
    owed = standing_service.standing_of(db, person, post, TODAY).standing.owed
    [makeup] = [o for o in owed if o.kind == "makeup_exam"]
    assert 'id="next-steps"' in page and makeup.description in page and "补考" in page


def test_a_failed_makeup_leaves_the_exam_list_and_says_the_worker_is_off_the_post(client, site, db, clock):
    client.sign_in("w1")
    [periodic] = _open_exam_ids(client)
    _sit_and_fail(client, periodic)
    org, person, post = (
        db.get(Organisation, site["org"]),
        db.get(Person, site["person"]),
        db.get(Post, site["post"]),
    )
    makeup = schedule_exam(
        db, organisation_id=org.id, title="电焊工补考", post=post, kind="makeup", person=person,
        opens_at=clock.now, closes_at=clock.now + timedelta(days=3),
    )  # fmt: skip
    db.commit()
    assert makeup.id in _open_exam_ids(client)
    attempt = _sit_and_fail(client, makeup.id)

    # The case moved on to off-duty retraining: the failed make-up is no longer an exam to take.
    assert makeup.id not in _open_exam_ids(client)
    home = client.get("/").get_data(as_text=True)
    waiting = home.split("待参加的考试", 1)[1].split("</section>", 1)[0]
    assert "电焊工补考" not in waiting
    page = client.get(f"/attempts/{attempt['id']}/result").get_data(as_text=True)
    assert "暂不得上岗" in page and "脱产培训" in page and "复训考试" in page


def test_a_failed_exam_whose_case_is_still_open_stays_listed_with_its_result(client, site):
    client.sign_in("w1")
    [periodic] = _open_exam_ids(client)
    _sit_and_fail(client, periodic)
    assert periodic in _open_exam_ids(client)  # a 定期考试 is not a case that moves on


def test_the_csv_export_names_its_charset_once(client, site):
    client.sign_in("hr")
    r = client.get("/reports/pass-rates.csv?by=department")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
