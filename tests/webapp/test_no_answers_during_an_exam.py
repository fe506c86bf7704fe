"""While a worker sits an exam, practice gives no answers: the 确认答案 check of practice would otherwise
hand out the key of questions drawn from the same bank (another tab, the same tablet)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.services.exams import schedule_exam
from webapp.testing import make_department, make_org, make_post, make_question_sets, make_worker


@pytest.fixture
def exam_id(db, clock) -> int:
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    post = make_post(db, "welding", "电焊工")
    make_question_sets(db, "welding", "电焊工", per_type=12)
    make_worker(db, org, "w1", post, department=dept)
    exam = schedule_exam(
        db, organisation_id=org.id, title="定期考试", post=post, kind="periodic",
        opens_at=clock() - timedelta(hours=1), closes_at=clock() + timedelta(days=1),
    )  # fmt: skip
    db.commit()
    return exam.id


def _practice(client) -> dict:
    return client.post("/api/v1/attempts", json={"practice": {"post": "welding"}})


def test_practice_cannot_be_started_during_an_exam(client, exam_id):
    client.sign_in("w1")
    assert client.post("/api/v1/attempts", json={"exam_id": exam_id}).status_code == 201
    r = _practice(client)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "exam_in_progress"


def test_a_practice_started_before_the_exam_gives_no_answers_during_it(client, exam_id, clock):
    client.sign_in("w1")
    practice = _practice(client).get_json()
    exam = client.post("/api/v1/attempts", json={"exam_id": exam_id}).get_json()
    q = practice["questions"][0]
    r = client.post(f"/api/v1/attempts/{practice['id']}/responses/{q['id']}/check", json={"choices": [0]})
    assert r.status_code == 409 and "answer" not in r.get_data(as_text=True)
    assert client.post(f"/api/v1/attempts/{exam['id']}/submit").status_code == 200
    r = client.post(f"/api/v1/attempts/{practice['id']}/responses/{q['id']}/check", json={"choices": [0]})
    assert r.status_code == 200 and "answer" in r.get_json()  # after the exam, practice works again


def test_an_exam_past_its_deadline_no_longer_blocks_practice(client, exam_id, clock):
    client.sign_in("w1")
    client.post("/api/v1/attempts", json={"exam_id": exam_id})
    clock.advance(hours=3)
    assert _practice(client).status_code == 201
