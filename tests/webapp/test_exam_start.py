"""Starting an exam: a first start stores exactly the paper it shows (the layout joined from encoded pieces
is the layout the paper rebuilds to), and who may start which exam is decided as before (department chain,
an exam for one person, the exam's window, another enterprise)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import make_department, make_org, make_post, make_question_sets, make_worker
from webapp.exams.models import Attempt
from webapp.exams.service import paper_of, schedule_exam
from webapp.exams.service.starting import _layout


@pytest.fixture
def world(db, clock):
    org = make_org(db, "甲企业")
    workshop = make_department(db, org, "一车间")
    team = make_department(db, org, "焊接班", parent=workshop)
    elsewhere = make_department(db, org, "二车间")
    post = make_post(db, "welding", "电焊工")
    make_question_sets(db, "welding", "电焊工")
    w1 = make_worker(db, org, "w1", post, department=team)
    make_worker(db, org, "w2", post, department=elsewhere)
    make_worker(db, org, "w3", post)

    def exam(title: str, **kw):
        return schedule_exam(
            db, organisation_id=org.id, title=title, post=post, kind="periodic",
            opens_at=kw.pop("opens_at", clock() - timedelta(hours=1)), closes_at=clock() + timedelta(days=1), **kw,
        )  # fmt: skip

    exams = {
        "all": exam("电焊工定期考试"),
        "workshop": exam("一车间考试", department_id=workshop.id),
        "w1_only": exam("w1 的补考", person=w1.person),
        "later": exam("明天的考试", opens_at=clock() + timedelta(hours=2)),
    }
    db.commit()
    return {k: e.id for k, e in exams.items()}


def _start(client, exam_id):
    return client.post("/api/v1/attempts", json={"exam_id": exam_id})


def test_a_first_start_stores_the_paper_it_shows(world, app, db):
    client = app.test_client()
    client.sign_in("w1")
    r = _start(client, world["all"])
    assert r.status_code == 201, r.get_data(True)
    shown = r.get_json()
    assert r.headers["Location"].endswith(f"/api/v1/attempts/{shown['id']}")
    assert shown["responses"] == {} and shown["submitted"] is False and shown["deadline"]
    attempt = db.get(Attempt, shown["id"])
    paper = paper_of(db, attempt)  # rebuilt from the rows, as grading and the audit do
    assert [q["id"] for q in shown["questions"]] == [pq.question.id for pq in paper.questions]
    for q, pq in zip(shown["questions"], paper.questions, strict=True):
        assert q == {"id": pq.question.id, "type": pq.question.type, "stem": pq.question.stem,
                     "options": list(pq.options)}  # fmt: skip
    pk_of = {e["id"]: e["pk"] for e in attempt.layout}
    assert attempt.layout == _layout(paper, pk_of)  # the key and points frozen as `_layout` writes them
    assert "key" not in json.dumps(shown) and "answer" not in json.dumps(shown)


def test_a_second_start_resumes_the_same_paper(world, app):
    client = app.test_client()
    client.sign_in("w1")
    first = _start(client, world["all"]).get_json()
    again = _start(client, world["all"])
    assert again.status_code == 201 and again.get_json()["id"] == first["id"]
    assert again.get_json()["questions"] == first["questions"]


def test_an_exam_for_a_workshop_starts_for_its_teams_only(world, app):
    codes = {}
    for name in ("w1", "w2", "w3"):  # in a team of the workshop, in another workshop, in none
        client = app.test_client()
        client.sign_in(name)
        r = _start(client, world["workshop"])
        codes[name] = (r.status_code, (r.get_json().get("error") or {}).get("code"))
    assert codes == {"w1": (201, None), "w2": (403, "not_assigned"), "w3": (403, "not_assigned")}


def test_an_exam_for_one_person_is_not_found_for_another(world, app):
    client = app.test_client()
    client.sign_in("w2")
    assert _start(client, world["w1_only"]).status_code == 404
    client = app.test_client()
    client.sign_in("w1")
    assert _start(client, world["w1_only"]).status_code == 201


def test_an_exam_not_open_yet_is_refused_and_nothing_is_stored(world, app, db):
    client = app.test_client()
    client.sign_in("w1")
    r = _start(client, world["later"])
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "not_assigned"
    db.rollback()
    assert db.scalars(select(Attempt).where(Attempt.exam_id == world["later"])).all() == []


def test_another_enterprises_exam_is_not_found(world, app, db, clock):
    other = make_org(db, "乙企业")
    post = make_post(db, "welding", "电焊工")
    foreign = schedule_exam(
        db, organisation_id=other.id, title="乙的考试", post=post, kind="periodic",
        opens_at=clock() - timedelta(hours=1), closes_at=clock() + timedelta(days=1),
    )  # fmt: skip
    db.commit()
    client = app.test_client()
    client.sign_in("w1")
    assert _start(client, foreign.id).status_code == 404


def test_the_start_button_opens_the_paper_and_opens_the_same_one_again(world, app, db):
    client = app.test_client()
    client.sign_in("w1")
    first = client.post(f"/exams/{world['all']}/start", data={"csrf_token": client.csrf_token})
    again = client.post(f"/exams/{world['all']}/start", data={"csrf_token": client.csrf_token})
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    attempt_id = int(first.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db.rollback()
    assert db.get(Attempt, attempt_id).exam_id == world["all"]
    assert client.get(first.headers["Location"]).status_code == 200
    refused = client.post(f"/exams/{world['later']}/start", data={"csrf_token": client.csrf_token})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/exams")
