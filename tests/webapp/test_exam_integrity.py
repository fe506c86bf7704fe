"""Exam integrity under concurrency and at the deadline: one open attempt per person and exam, no answers
while a save can still be accepted, grading at the deadline without a 5xx, scores out of 100."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.webapp.base_builders import make_org, make_post, make_question_sets, make_worker
from webapp.exams.models import Attempt
from webapp.exams.service import schedule_exam

EXAM_MINUTES = 45  # the periodic blueprint's time limit
GRACE_SECONDS = 3  # EXAM_SAVE_GRACE_SECONDS


@pytest.fixture
def world(db, clock):
    org = make_org(db, "甲企业")
    post = make_post(db, "welding", "电焊工")
    make_question_sets(db, "welding", "电焊工")
    workers = [make_worker(db, org, f"w{i}", post) for i in range(1, 21)]

    def exam(title: str):
        return schedule_exam(
            db, organisation_id=org.id, title=title, post=post, kind="periodic",
            opens_at=clock() - timedelta(hours=1), closes_at=clock() + timedelta(days=1),
        )  # fmt: skip

    first, second = exam("电焊工定期考试"), exam("电焊工补充考试")
    db.commit()
    return {"org": org, "post": post, "exam": first, "second": second, "workers": workers}


def _start(client, exam_id) -> dict:
    r = client.post("/api/v1/attempts", json={"exam_id": exam_id})
    assert r.status_code == 201, r.get_data(True)
    return r.get_json()


def _side_by_side(calls) -> list:
    """Run every call at the same moment on its own thread; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as e:  # noqa: BLE001 — reported by the test, not swallowed
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_simultaneous_starts_of_one_exam_give_one_attempt(world, app, db):
    clients = []
    for _ in range(20):
        c = app.test_client()
        c.sign_in("w1")
        clients.append(c)
    exam_id = world["exam"].id
    responses = _side_by_side(
        [lambda c=c: c.post("/api/v1/attempts", json={"exam_id": exam_id}) for c in clients]
    )
    codes = [getattr(r, "status_code", r) for r in responses]
    assert codes == [201] * 20, codes
    assert len({r.get_json()["id"] for r in responses}) == 1
    db.rollback()
    assert db.scalar(select(func.count(Attempt.id)).where(Attempt.exam_id == exam_id)) == 1


def test_no_answers_are_shown_while_a_save_can_still_be_accepted(world, client, clock):
    client.sign_in("w1")
    earlier = _start(client, world["exam"].id)
    assert client.post(f"/api/v1/attempts/{earlier['id']}/submit").status_code == 200
    running = _start(client, world["second"].id)
    clock.advance(minutes=EXAM_MINUTES, seconds=0.2)  # past the deadline, inside the save grace
    qid = running["questions"][0]["id"]
    assert (
        client.put(f"/api/v1/attempts/{running['id']}/responses/{qid}", json={"choices": [0]}).status_code
        == 204
    ), "a save inside the grace window is accepted"
    r = client.get(f"/api/v1/attempts/{earlier['id']}")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "exam_in_progress"
    assert client.post(f"/api/v1/attempts/{earlier['id']}/submit").status_code == 409
    assert client.get(f"/attempts/{earlier['id']}/result").status_code == 409
    assert client.get("/wrong-book").status_code == 409
    practice = client.post("/api/v1/attempts", json={"practice": {"post": "welding"}})
    assert practice.status_code == 409
    clock.advance(seconds=GRACE_SECONDS)  # the grace is over: no save can be accepted any more
    assert client.get(f"/api/v1/attempts/{earlier['id']}").status_code == 200
    assert client.get("/wrong-book").status_code == 200


def test_many_workers_opening_expired_attempts_are_all_graded_without_an_error(world, app, db, clock):
    clients = []
    for i in range(1, 21):
        c = app.test_client()
        c.sign_in(f"w{i}")
        clients.append((c, _start(c, world["exam"].id)))
    for c, attempt in clients[:5]:  # answers saved earlier; the others hand in an empty paper
        for q in attempt["questions"]:
            c.put(f"/api/v1/attempts/{attempt['id']}/responses/{q['id']}", json={"choices": [0]})
    clock.advance(minutes=EXAM_MINUTES, seconds=GRACE_SECONDS + 1)
    calls = []
    for c, attempt in clients:
        calls.append(lambda c=c, a=attempt: c.get(f"/api/v1/attempts/{a['id']}"))
        calls.append(lambda c=c, a=attempt: c.get(f"/attempts/{a['id']}/result"))
        q = attempt["questions"][0]["id"]
        calls.append(
            lambda c=c, a=attempt, q=q: c.put(
                f"/api/v1/attempts/{a['id']}/responses/{q}", json={"choices": [0]}
            )
        )
    responses = _side_by_side(calls)
    codes = [getattr(r, "status_code", repr(r)) for r in responses]
    assert all(isinstance(code, int) and code < 500 for code in codes), codes
    assert set(codes[0::3]) == {200} and set(codes[2::3]) == {409}, codes
    db.rollback()
    graded = db.scalars(select(Attempt).where(Attempt.exam_id == world["exam"].id)).all()
    assert len(graded) == 20 and all(a.submitted_by == "deadline" for a in graded)


def test_a_worker_sees_scores_out_of_100_with_the_pass_mark_of_the_rules(world, client):
    client.sign_in("w1")
    attempt = _start(client, world["exam"].id)
    first = attempt["questions"][0]
    client.put(f"/api/v1/attempts/{attempt['id']}/responses/{first['id']}", json={"choices": [0]})
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    score = f"{round(result['score'] / result['max_score'] * 100, 1):g}"
    page = client.get(f"/attempts/{attempt['id']}/result").get_data(True)
    assert f"得分 {score} / 100（合格线 80）" in page
    listing = client.get("/exams").get_data(True)
    assert f"{score} / 100" in listing and f"/ {result['max_score']:g}" not in listing


def test_practice_is_not_graded_as_an_exam(world, client):
    client.sign_in("w1")
    r = client.post("/api/v1/attempts", json={"practice": {"post": "welding"}})
    assert r.status_code == 201, r.get_data(True)
    practice = r.get_json()
    client.post(f"/api/v1/attempts/{practice['id']}/submit")
    page = client.get(f"/attempts/{practice['id']}/result").get_data(True)
    assert "练习" in page and "答对" in page
    for exam_word in ("不合格", "合格线", "交卷"):
        assert exam_word not in page.split("<main", 1)[-1], exam_word
