"""While a worker sits an exam, practice gives no answers: the 确认答案 check of practice would otherwise
hand out the key of questions drawn from the same bank (another tab, the same tablet)."""

from __future__ import annotations

import pytest

from tests.webapp.base_builders import make_department, make_org, make_worker
from tests.webapp.builders import make_exam, make_post_with_questions


@pytest.fixture
def exam_id(db, clock) -> int:
    org = make_org(db, "甲企业")
    dept = make_department(db, org, "一车间")
    post = make_post_with_questions(db, "welding", "电焊工", per_type=12)
    make_worker(db, org, "w1", post, department=dept)
    exam = make_exam(db, org, post, now=clock(), title="定期考试")
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


# --- the 错题本 and earlier results: answers too -------------------------------------------------------------

IN_PROGRESS = "考试进行中，交卷后可查看"


def _practised_wrong(client, db) -> int:
    """A practice answered all wrong and submitted: its result and the 错题本 now hold answers and 解析."""
    from tests.webapp.cert_builders import answer

    practice = _practice(client).get_json()
    answer(client, db, practice["id"], right=False)
    return practice["id"]


def _start_exam(client, exam_id) -> int:
    r = client.post("/api/v1/attempts", json={"exam_id": exam_id})
    assert r.status_code == 201, r.get_data(True)
    return r.get_json()["id"]


def _shows_in_progress(r, exam_attempt: int) -> None:
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and IN_PROGRESS in html, html[:300]
    assert f'href="/attempts/{exam_attempt}"' in html  # back to the open exam
    assert "解析" not in html and "您的选择" not in html


def test_the_wrong_book_shows_no_answers_during_an_exam(client, db, exam_id):
    client.sign_in("w1")
    _practised_wrong(client, db)
    assert "解析：" in client.get("/wrong-book").get_data(as_text=True)
    exam_attempt = _start_exam(client, exam_id)
    _shows_in_progress(client.get("/wrong-book"), exam_attempt)
    assert client.post(f"/api/v1/attempts/{exam_attempt}/submit").status_code == 200
    assert "解析：" in client.get("/wrong-book").get_data(as_text=True)  # after the exam, it is back


def test_the_result_page_of_an_earlier_attempt_shows_no_answers_during_an_exam(client, db, exam_id):
    client.sign_in("w1")
    practice = _practised_wrong(client, db)
    assert "解析" in client.get(f"/attempts/{practice}/result").get_data(as_text=True)
    exam_attempt = _start_exam(client, exam_id)
    _shows_in_progress(client.get(f"/attempts/{practice}/result"), exam_attempt)
    r = client.get(f"/attempts/{practice}", follow_redirects=True)
    _shows_in_progress(r, exam_attempt)


def test_an_earlier_attempt_read_or_submitted_again_through_the_api_gives_no_answers_during_an_exam(
    client, db, exam_id
):
    client.sign_in("w1")
    practice = _practised_wrong(client, db)
    _start_exam(client, exam_id)
    for r in (
        client.get(f"/api/v1/attempts/{practice}"),
        client.post(f"/api/v1/attempts/{practice}/submit"),
    ):
        assert r.status_code == 409 and r.get_json()["error"]["code"] == "exam_in_progress"
        assert "answer" not in r.get_data(as_text=True)


def test_the_exams_own_result_is_shown_once_it_is_submitted(client, db, exam_id):
    from tests.webapp.cert_builders import answer

    client.sign_in("w1")
    exam_attempt = _start_exam(client, exam_id)
    answer(client, db, exam_attempt, right=False)
    result = client.get(f"/api/v1/attempts/{exam_attempt}").get_json()["result"]
    assert result["results"] and "answer" in result["results"][0]
    r = client.get(f"/attempts/{exam_attempt}/result")
    assert r.status_code == 200 and "解析" in r.get_data(as_text=True)


def test_an_exam_past_its_deadline_no_longer_hides_the_wrong_book(client, db, exam_id, clock):
    client.sign_in("w1")
    _practised_wrong(client, db)
    _start_exam(client, exam_id)
    clock.advance(hours=3)
    r = client.get("/wrong-book")
    assert r.status_code == 200 and "解析：" in r.get_data(as_text=True)


def test_a_practice_submitted_during_an_exam_gives_its_score_without_the_answers(client, db, exam_id):
    client.sign_in("w1")
    practice = _practice(client).get_json()
    exam_attempt = _start_exam(client, exam_id)
    r = client.post(f"/api/v1/attempts/{practice['id']}/submit")
    assert r.status_code == 200 and {"score", "max_score", "passed"} <= set(r.get_json())
    assert "results" not in r.get_json() and "answer" not in r.get_data(as_text=True)
    assert client.post(f"/api/v1/attempts/{exam_attempt}/submit").status_code == 200
    assert client.get(f"/api/v1/attempts/{practice['id']}").get_json()["result"]["results"]
