"""What an exam costs the database per request (start, save, read, submit), and that the per-process bank
cache never draws from a bank that changed. Counting statements is not timing: the figures are exact."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select, update

from quizbank import model
from tests.webapp.builders import counting_statements, make_exam_world
from webapp.bank.models import Question, QuestionSet
from webapp.bank.sets import load_question_set
from webapp.infra.db import database

# The budget per request, with the signed-in user loaded with their roles (1 statement) included.
# A first start: the person (locked) with the exam, its post, whether the person holds it and, on the lean
# path, the signed-in user checked; the INSERT … WHERE NOT EXISTS … RETURNING. The bank and the parsed
# blueprint are kept per process (the bank's fingerprint re-read after EXAM_BANK_RECHECK_SECONDS, or at once
# after this process wrote the bank).
START_BUDGET = 2
# The lean path (webapp.exams.lean): the guarded upsert checks the signed-in user itself; the paper's facts
# are read once per process (the +1 below)
SAVE_BUDGET = 1
READ_BUDGET = 6  # attempt, questions, exam, post, responses (+ user)
# the lean path: the attempt FOR UPDATE with the signed-in user checked in it, its saved answers (in the same
# statement on SQLite), the attempt's score, the event, the paper's item results (试题分析, 错题本): graded
# from the key frozen at start
SUBMIT_BUDGET = 5


@pytest.fixture
def world(db, clock):
    world = make_exam_world(db, clock(), workers=("w1", "w2", "w3"))
    db.commit()
    return world


def _dump(statements: list[str]) -> str:
    return json.dumps([" ".join(s.split())[:140] for s in statements], ensure_ascii=False, indent=1)


def _start(client, exam_id):
    r = client.post("/api/v1/attempts", json={"exam_id": exam_id})
    assert r.status_code == 201, r.get_data(True)
    return r.get_json()


def test_an_exam_costs_a_bounded_number_of_statements_per_request(world, app):
    app.config["EXAM_BANK_RECHECK_SECONDS"] = 600  # however slow this machine: no re-check in the test
    first = app.test_client()
    first.sign_in("w1")
    _start(first, world["exam"].id)  # fills this process's bank cache

    client = app.test_client()
    client.sign_in("w2")
    with counting_statements(app) as start:
        attempt = _start(client, world["exam"].id)
    assert len(start) <= START_BUDGET, _dump(start)

    questions = attempt["questions"]
    with counting_statements(app) as saves:
        for q in questions:
            r = client.put(f"/api/v1/attempts/{attempt['id']}/responses/{q['id']}", json={"choices": [0]})
            assert r.status_code == 204
    assert len(saves) <= SAVE_BUDGET * len(questions) + 1, _dump(saves[:8])

    with counting_statements(app) as read:
        assert client.get(f"/api/v1/attempts/{attempt['id']}").status_code == 200
    assert len(read) <= READ_BUDGET, _dump(read)

    with counting_statements(app) as submit:
        r = client.post(f"/api/v1/attempts/{attempt['id']}/submit")
        assert r.status_code == 200, r.get_data(True)
    assert len(submit) <= SUBMIT_BUDGET, _dump(submit)


def test_submit_does_not_update_answers_one_by_one(world, app):
    client = app.test_client()
    client.sign_in("w1")
    attempt = _start(client, world["exam"].id)
    for q in attempt["questions"]:
        client.put(f"/api/v1/attempts/{attempt['id']}/responses/{q['id']}", json={"choices": [0]})
    executions: list[int] = []

    def listener(_conn, _cursor, statement, parameters, _context, executemany):
        if statement.startswith("UPDATE responses"):
            executions.append(len(parameters) if executemany else 1)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.post(f"/api/v1/attempts/{attempt['id']}/submit").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert sum(executions) <= 2, executions


def test_a_question_retired_after_the_bank_was_cached_is_never_drawn(world, app, db):
    first = app.test_client()
    first.sign_in("w1")
    _start(first, world["exam"].id)
    live = db.scalars(select(Question).where(Question.retired_at.is_(None))).all()
    # Retire a third of every group: the next paper must come from what is left.
    retired = {q.ext_id for q in live[::3]}
    db.execute(update(Question).where(Question.ext_id.in_(retired)).values(retired_at=world["exam"].opens_at))
    db.commit()
    client = app.test_client()
    client.sign_in("w2")
    paper = _start(client, world["exam"].id)
    assert not {q["id"] for q in paper["questions"]} & retired


def test_a_set_reloaded_after_the_bank_was_cached_is_drawn_as_reloaded(world, app, db, clock):
    first = app.test_client()
    first.sign_in("w1")
    _start(first, world["exam"].id)
    row = db.scalar(select(QuestionSet).where(QuestionSet.key == "test-welding"))
    # The same version loaded again with new wording: rows are updated in place.
    from tests.webapp.base_builders import core_questions

    counts = {"single": 30, "multiple": 30, "truefalse": 30}
    reworded = tuple(
        model.Question(**{**q.__dict__, "stem": "改写：" + q.stem})
        for q in core_questions("welding", "professional", "welding-1", counts)
    )
    post = model.Post(code="welding", name="电焊工")
    clock.advance(seconds=1)
    qset = model.QuestionSet(
        id=row.key, title=row.title, version=row.version, posts=(post,),
        handbook=model.Handbook(
            title="电焊工", version=row.version, post="welding",
            sections=(model.Section(id="welding-1", title="操作规程", part="professional", body="规程正文"),),
        ),
        questions=reworded,
    )  # fmt: skip
    load_question_set(db, qset)
    db.commit()
    client = app.test_client()
    client.sign_in("w2")
    paper = _start(client, world["exam"].id)
    professional = [q for q in paper["questions"] if q["id"].startswith("welding-")]
    assert professional and all(q["stem"].startswith("改写：") for q in professional)


def test_a_bank_changed_by_another_process_is_drawn_from_once_rechecked(world, app, db):
    app.config["EXAM_BANK_RECHECK_SECONDS"] = 0  # re-check on every start
    first = app.test_client()
    first.sign_in("w1")
    _start(first, world["exam"].id)
    live = db.scalars(select(Question.ext_id).where(Question.retired_at.is_(None))).all()
    retired = set(live[::3])
    with database(app).engine.begin() as other_process:  # no Session: this process hears nothing of it
        other_process.execute(
            update(Question).where(Question.ext_id.in_(retired)).values(retired_at=world["exam"].opens_at)
        )
    client = app.test_client()
    client.sign_in("w2")
    paper = _start(client, world["exam"].id)
    assert not {q["id"] for q in paper["questions"]} & retired
