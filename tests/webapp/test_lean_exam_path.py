"""The lean exam path (webapp.exams.lean): a save and a submit served below Flask answer exactly as Flask
does, in every case, and the plain case costs one statement per save.

Each case runs twice, with the lean path on and off (`LEAN_EXAM_PATH`): the status and body must be the
same, so a refusal the lean path cannot prove is Flask's to give, and nothing the lean path accepts is
something Flask would refuse."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.webapp.base_builders import make_org, make_post
from tests.webapp.builders import counting_statements, make_exam_world
from webapp.analysis.models import ItemResult
from webapp.exams.models import Attempt, Response
from webapp.infra import clock
from webapp.infra.db import database
from webapp.org.models import Organisation, User, UserRole
from webapp.standing.models import Event


@pytest.fixture
def world(db, clock):
    world = make_exam_world(db, clock(), workers=("w1", "w2"))
    db.commit()
    return world


def _paper(app, world, username="w1"):
    client = app.test_client()
    client.sign_in(username)
    r = client.post("/api/v1/attempts", json={"exam_id": world["exam"].id})
    assert r.status_code == 201, r.get_data(True)
    return client, r.get_json()


def _save(client, paper, question=None, choices=(0,), content_type=None, **kwargs):
    question = question or paper["questions"][0]["id"]
    url = f"/api/v1/attempts/{paper['id']}/responses/{question}"
    if content_type:
        return client.put(
            url, data=json.dumps({"choices": list(choices)}), content_type=content_type, **kwargs
        )
    return client.put(url, json={"choices": list(choices)}, **kwargs)


def _outcome(r):
    return r.status_code, (r.get_json() or {}).get("error", {}).get("code") if r.is_json else r.get_data(True)


def _compact(body) -> bytes:
    return (json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n").encode()


def _set_user(db, username, **values):
    db.execute(update(User).where(User.username == username).values(**values))
    db.commit()


def _deactivate(db, world, app, paper, client):
    _set_user(db, "w1", active=False)


def _signed_out_elsewhere(db, world, app, paper, client):
    _set_user(db, "w1", session_version=User.session_version + 1)


def _organisation_suspended(db, world, app, paper, client):
    db.execute(
        update(Organisation)
        .where(Organisation.id == world["org"].id)
        .values(suspended_at=app.config["CLOCK"]())
    )
    db.commit()


def _worker_role_removed(db, world, app, paper, client):
    user = db.scalar(select(User).where(User.username == "w1"))
    db.execute(UserRole.__table__.delete().where(UserRole.user_id == user.id))
    db.execute(UserRole.__table__.insert().values(user_id=user.id, role="trainer"))
    db.commit()


def _submitted(db, world, app, paper, client):
    assert client.post(f"/api/v1/attempts/{paper['id']}/submit").status_code == 200


def _past_deadline_and_grace(db, world, app, paper, client):
    app.config["CLOCK"].advance(minutes=46)


def _nothing(db, world, app, paper, client):
    pass


SAVE_CASES = {
    "plain": (_nothing, {}, (204, "")),
    "inactive user": (_deactivate, {}, (401, "unauthorized")),
    "signed out elsewhere": (_signed_out_elsewhere, {}, (401, "unauthorized")),
    "organisation suspended": (_organisation_suspended, {}, (401, "unauthorized")),
    "no worker role": (_worker_role_removed, {}, (403, "forbidden")),
    "paper submitted": (_submitted, {}, (409, "attempt_closed")),
    "past deadline and grace": (_past_deadline_and_grace, {}, (409, "attempt_closed")),
    "no csrf token": (_nothing, {"csrf": False}, (400, "csrf")),
    "wrong csrf token": (_nothing, {"headers": {"X-CSRFToken": "forged"}}, (400, "csrf")),
    "question not on paper": (_nothing, {"question": "no-such-question"}, (404, "not_on_paper")),
    "two choices on a single": (_nothing, {"choices": (0, 1)}, (400, "bad_choices")),
    "choice out of range": (_nothing, {"choices": (9,)}, (400, "bad_choices")),
    "not sent as json": (_nothing, {"content_type": "text/plain"}, (400, "bad_request")),
}


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "flask"])
@pytest.mark.parametrize("case", list(SAVE_CASES))
def test_a_save_is_answered_alike_with_or_without_the_lean_path(world, app, db, lean, case):
    app.config["LEAN_EXAM_PATH"] = lean
    arrange, kwargs, expected = SAVE_CASES[case]
    client, paper = _paper(app, world)
    assert _save(client, paper, question=paper["questions"][1]["id"]).status_code == 204  # paper cached
    arrange(db, world, app, paper, client)
    kwargs = dict(kwargs)
    question = kwargs.pop("question", None)
    if question is None:  # one not saved yet; a true/false or single choice for the choices cases
        question = next(q["id"] for q in paper["questions"][2:] if q["type"] != "multiple")
    r = _save(client, paper, question=question, **kwargs)
    status, error = _outcome(r)
    assert (status, error if status != 204 else "") == expected, r.get_data(True)
    stored = db.scalars(select(Response.question_id).where(Response.attempt_id == paper["id"])).all()
    db.rollback()
    assert (question in stored) == (status == 204)


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "flask"])
def test_someone_elses_paper_is_not_found_with_or_without_the_lean_path(world, app, lean):
    app.config["LEAN_EXAM_PATH"] = lean
    _, paper = _paper(app, world, "w1")
    other = app.test_client()
    other.sign_in("w2")
    assert _save(other, paper).status_code == 404
    assert other.post(f"/api/v1/attempts/{paper['id']}/submit").status_code == 404


def test_a_submit_answers_the_same_score_and_writes_the_same_rows_with_or_without_the_lean_path(
    world, app, db
):
    outcomes = []
    for lean, username in ((True, "w1"), (False, "w2")):
        app.config["LEAN_EXAM_PATH"] = lean
        client, paper = _paper(app, world, username)
        for q in paper["questions"][:12]:
            assert _save(client, paper, question=q["id"]).status_code == 204
        r = client.post(f"/api/v1/attempts/{paper['id']}/submit")
        assert r.status_code == 200, r.get_data(True)
        again = client.post(f"/api/v1/attempts/{paper['id']}/submit")
        assert again.get_json() == r.get_json()  # a second submit returns the first result
        db.rollback()  # a fresh snapshot
        attempt = db.get(Attempt, paper["id"])
        marks = db.execute(
            select(ItemResult.answered, ItemResult.correct).where(ItemResult.attempt_id == attempt.id)
        ).all()
        events = db.scalars(select(Event).where(Event.person_id == attempt.person_id)).all()
        outcomes.append(
            {
                "json": r.get_json(), "cache": r.headers.get("Cache-Control"), "by": attempt.submitted_by,
                "vary": r.headers.get("Vary"), "compact": r.data == _compact(r.get_json()),
                "row": (attempt.score, attempt.max_score, attempt.passed), "marks": marks,
                "events": [(e.kind, e.data["score"], e.data["passed"]) for e in events],
            }
        )  # fmt: skip
    lean, flask = outcomes
    assert (
        set(lean["json"]) == set(flask["json"]) == {"score", "max_score", "pass_score", "passed", "percent"}
    )
    assert lean["cache"] == flask["cache"] == "no-store"
    assert lean["vary"] == flask["vary"] == "Cookie"
    assert lean["compact"] and flask["compact"]
    assert lean["by"].startswith("user:") and flask["by"].startswith("user:")
    for outcome in outcomes:
        body = outcome["json"]
        assert outcome["row"] == (body["score"], body["max_score"], body["passed"])
        assert len(outcome["marks"]) == len(paper["questions"])  # one item result per question
        assert sum(answered for answered, _ in outcome["marks"]) == 12
        # the event keeps two decimals, the answer one
        assert outcome["events"] == [
            ("exam_taken", round(body["score"] / body["max_score"] * 100, 2), body["passed"])
        ]


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "flask"])
def test_the_times_a_save_and_a_submit_write_read_back_and_compare_as_the_orm_writes_them(
    world, app, db, lean
):
    """The lean path writes its times through the driver: stored as SQLAlchemy stores them (on SQLite, text
    compared as text: a save at the last microsecond of deadline + grace is in time, one after it is late)."""
    app.config["LEAN_EXAM_PATH"] = lean
    client, paper = _paper(app, world)
    deadline = db.get(Attempt, paper["id"]).deadline
    db.rollback()
    last = deadline + timedelta(seconds=app.config["EXAM_SAVE_GRACE_SECONDS"])
    first, second = paper["questions"][0]["id"], paper["questions"][1]["id"]
    app.config["CLOCK"].set(last)
    assert _save(client, paper, question=first).status_code == 204
    app.config["CLOCK"].set(last + timedelta(microseconds=1))
    assert _outcome(_save(client, paper, question=second)) == (409, "attempt_closed")
    app.config["CLOCK"].set(last - timedelta(microseconds=250))
    assert client.post(f"/api/v1/attempts/{paper['id']}/submit").status_code == 200
    saved = db.execute(
        select(Response.question_id, Response.saved_at).where(Response.attempt_id == paper["id"])
    )
    assert saved.all() == [(first, last)]
    attempt = db.get(Attempt, paper["id"])
    assert attempt.submitted_at == deadline  # submitted in the grace: recorded at the deadline
    event = db.scalar(select(Event).where(Event.person_id == attempt.person_id))
    assert event.recorded_at == last - timedelta(microseconds=250)
    assert event.occurred_on == deadline.astimezone(clock.SHANGHAI).date()
    items = db.scalars(select(ItemResult.submitted_at).where(ItemResult.attempt_id == attempt.id)).all()
    assert set(items) == {deadline}


def test_a_save_on_the_lean_path_is_one_statement_that_checks_the_signed_in_user(world, app):
    client, paper = _paper(app, world)
    assert _save(client, paper).status_code == 204  # the first save reads the paper's facts once
    with counting_statements(app) as statements:
        for q in paper["questions"][1:11]:
            assert _save(client, paper, question=q["id"]).status_code == 204
    assert len(statements) == 10, statements
    assert all("session_version" in s and "user_roles" in s for s in statements)


def test_a_save_on_postgresql_commits_itself_and_leaves_no_pooled_connection_in_autocommit(world, app, db):
    """A save is one statement: on PostgreSQL it runs in autocommit (no BEGIN, no COMMIT round trips),
    is durable when answered, and every connection goes back to the pool in transaction mode."""
    engine = database(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps BEGIN IMMEDIATE for the write lock")
    client, paper = _paper(app, world)
    for q in paper["questions"][:5]:
        assert _save(client, paper, question=q["id"], choices=(1,)).status_code == 204
    with engine.connect() as other:  # another connection sees every answer: committed
        saved = other.execute(select(Response.choices).where(Response.attempt_id == paper["id"])).all()
    assert [c for (c,) in saved] == [[1]] * 5
    held = [engine.connect() for _ in range(engine.pool.size())]
    try:
        assert not any(c.connection.dbapi_connection.autocommit for c in held)
    finally:
        for c in held:
            c.close()


def test_a_submit_on_the_lean_path_is_four_or_five_statements_and_no_user_load(world, app):
    client, paper = _paper(app, world)
    for q in paper["questions"][:5]:
        assert _save(client, paper, question=q["id"]).status_code == 204
    with counting_statements(app) as statements:
        assert client.post(f"/api/v1/attempts/{paper['id']}/submit").status_code == 200
    sqlite = database(
        app
    ).is_sqlite  # PostgreSQL reads the answers after the lock, in a statement of their own
    assert len(statements) == (4 if sqlite else 5), statements
    assert not any(s.lstrip().startswith("SELECT users.") for s in statements)


def test_a_bearer_token_save_is_served_by_flask(world, app, db):
    from webapp.infra.security import create_api_token

    client, paper = _paper(app, world)
    with app.test_request_context():
        user = db.scalar(select(User).where(User.username == "w1"))
        from webapp.infra.db import session

        token = create_api_token(session.merge(user), "tablet")
        session.commit()
    bare = app.test_client()
    r = _save(bare, paper, headers={"Authorization": f"Bearer {token}"}, csrf=False)
    assert r.status_code == 204, r.get_data(True)
    r = _save(bare, paper, headers={"Authorization": "Bearer qb_wrong"}, csrf=False)
    assert r.status_code == 401


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "flask"])
def test_an_exams_wrong_answers_land_in_the_wrong_book(world, app, db, lean):
    from webapp.exams.service.wrong_book import wrong_book
    from webapp.org.models import Person

    app.config["LEAN_EXAM_PATH"] = lean
    client, paper = _paper(app, world)
    for q in paper["questions"][:15]:
        assert _save(client, paper, question=q["id"], choices=(1,)).status_code == 204
    assert client.post(f"/api/v1/attempts/{paper['id']}/submit").status_code == 200
    db.rollback()
    attempt = db.get(Attempt, paper["id"])
    wrong = {e["id"] for e in attempt.layout[:15] if e["key"] != [1]}  # each answered with option B
    assert wrong
    person = db.get(Person, attempt.person_id)
    with app.test_request_context():  # it links each question to its handbook section
        assert {entry["question_id"] for entry in wrong_book(db, person)} == wrong


SUBMIT_BODIES = {
    "nothing": (None, 200),
    "an empty object": ("{}", 200),
    "a list": ("[]", 400),
    "a space": (" ", 400),
}


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "flask"])
@pytest.mark.parametrize("body", list(SUBMIT_BODIES))
def test_a_submit_body_is_judged_alike_with_or_without_the_lean_path(world, app, lean, body):
    app.config["LEAN_EXAM_PATH"] = lean
    text, expected = SUBMIT_BODIES[body]
    client, paper = _paper(app, world)
    assert _save(client, paper).status_code == 204
    url = f"/api/v1/attempts/{paper['id']}/submit"
    r = client.post(url) if text is None else client.post(url, data=text, content_type="application/json")
    assert r.status_code == expected, r.get_data(True)


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "flask"])
def test_a_paper_of_another_organisation_is_flasks_to_judge(world, app, db, lean):
    app.config["LEAN_EXAM_PATH"] = lean
    client, paper = _paper(app, world)
    assert _save(client, paper).status_code == 204
    other = make_org(db, "乙企业")
    db.execute(update(Attempt).where(Attempt.id == paper["id"]).values(organisation_id=other.id))
    db.commit()
    # Flask sees an attempt of an organisation the worker may not see: not found, and nothing graded
    assert client.post(f"/api/v1/attempts/{paper['id']}/submit").status_code == 404
    db.rollback()
    assert db.get(Attempt, paper["id"]).submitted_at is None


def _exam_closed(db, world, app, client):
    app.config["CLOCK"].advance(days=2)


def _started_once(db, world, app, client):
    assert client.post("/api/v1/attempts", json={"exam_id": world["exam"].id}).status_code == 201


def _no_arrangement(db, world, app, client):
    pass


def _as_start(arrange):
    return lambda db, world, app, client: arrange(db, world, app, None, client)


def _reschedule(db, world, app, client, *, opens_in=None, other_post=False, for_other=False, other_org=False):
    """The exam the case starts, changed: opening later, for another post, person or organisation."""
    from webapp.exams.models import Exam

    values = {}
    if opens_in is not None:
        values["opens_at"] = app.config["CLOCK"]() + opens_in
    if other_post:
        values["post_id"] = make_post(db, "electrician", "电工").id
    if for_other:
        values["person_id"] = db.scalar(select(User.person_id).where(User.username == "w2"))
    if other_org:
        values["organisation_id"] = make_org(db, "乙企业").id
    db.execute(update(Exam).where(Exam.id == world["exam"].id).values(**values))
    db.commit()


def _person_unlinked(db, world, app, client):
    _set_user(db, "w1", person_id=None)


START_CASES = {
    "plain": (_no_arrangement, {}, (201, None)),
    "inactive user": (_as_start(_deactivate), {}, (401, "unauthorized")),
    "signed out elsewhere": (_as_start(_signed_out_elsewhere), {}, (401, "unauthorized")),
    "organisation suspended": (_as_start(_organisation_suspended), {}, (401, "unauthorized")),
    "no worker role": (_as_start(_worker_role_removed), {}, (403, "forbidden")),
    "exam closed": (_exam_closed, {}, (403, "not_assigned")),
    "started before: the paper resumed": (_started_once, {}, (201, None)),
    "no csrf token": (_no_arrangement, {"csrf": False}, (400, "csrf")),
    "no such exam": (_no_arrangement, {"json": {"exam_id": 999_999}}, (404, "not_found")),
    "an exam id that is not a number": (_no_arrangement, {"json": {"exam_id": "1"}}, (400, "bad_request")),
    "an exam id out of range": (_no_arrangement, {"json": {"exam_id": 2**40}}, (400, "bad_request")),
    "an exam id that is true": (_no_arrangement, {"json": {"exam_id": True}}, (400, "bad_request")),
    "an exam id of 0": (_no_arrangement, {"json": {"exam_id": 0}}, (404, "not_found")),
    "a negative exam id": (_no_arrangement, {"json": {"exam_id": -1}}, (404, "not_found")),
    "an exam id of 1.0": (_no_arrangement, {"json": {"exam_id": 1.0}}, (400, "bad_request")),
    "a key besides exam_id": (_no_arrangement, {"json": {"exam_id": "EXAM", "extra": 1}}, (201, None)),
    "not sent as json": (_no_arrangement, {"data": "{}", "content_type": "text/plain"}, (400, "bad_request")),
    "malformed json": (
        _no_arrangement,
        {"data": "{", "content_type": "application/json"},
        (400, "bad_request"),
    ),
    "an exam not open yet": (
        lambda *a: _reschedule(*a, opens_in=timedelta(hours=2)),
        {},
        (403, "not_assigned"),
    ),
    "an exam of another post": (lambda *a: _reschedule(*a, other_post=True), {}, (403, "not_assigned")),
    "an exam for another person": (lambda *a: _reschedule(*a, for_other=True), {}, (404, "not_found")),
    "an exam of another organisation": (lambda *a: _reschedule(*a, other_org=True), {}, (404, "not_found")),
    "a user without a person": (_person_unlinked, {}, (403, "no_person")),
}


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "flask"])
@pytest.mark.parametrize("case", list(START_CASES))
def test_a_start_is_answered_alike_with_or_without_the_lean_path(world, app, db, lean, case):
    app.config["LEAN_EXAM_PATH"] = lean
    arrange, kwargs, expected = START_CASES[case]
    client = app.test_client()
    client.sign_in("w1")
    arrange(db, world, app, client)
    if "data" not in kwargs:
        kwargs = {"json": {"exam_id": world["exam"].id}, **kwargs}
    if kwargs.get("json", {}).get("exam_id") == "EXAM":
        kwargs["json"] = {**kwargs["json"], "exam_id": world["exam"].id}
    r = client.post("/api/v1/attempts", **kwargs)
    status, error = _outcome(r)
    assert (status, error if status != 201 else None) == expected, r.get_data(True)
    db.rollback()
    attempts = db.scalars(select(Attempt.id).join(User, User.person_id == Attempt.person_id).where(
        User.username == "w1")).all()  # fmt: skip
    if status == 201:
        paper = r.get_json()
        assert attempts == [paper["id"]]  # one paper, however often started
        assert r.headers["Location"] == f"/api/v1/attempts/{paper['id']}"
        assert r.headers["Cache-Control"] == "no-store" and r.headers["Vary"] == "Cookie"
        assert set(paper) >= {"id", "kind", "title", "questions", "deadline", "server_now", "responses"}
        assert not any("key" in q or "answer" in q for q in paper["questions"])  # no key before submit
    elif case != "started before: the paper resumed":
        assert attempts == []


def test_a_first_start_on_the_lean_path_is_two_statements_and_no_user_load(world, app):
    # however slow this machine: no re-check of the bank's fingerprint (1 s by default) between the two starts
    app.config["EXAM_BANK_RECHECK_SECONDS"] = 600
    warm, client = app.test_client(), app.test_client()
    warm.sign_in("w2")  # the first start in the process reads the bank
    assert warm.post("/api/v1/attempts", json={"exam_id": world["exam"].id}).status_code == 201
    client.sign_in("w1")
    with counting_statements(app) as statements:
        assert client.post("/api/v1/attempts", json={"exam_id": world["exam"].id}).status_code == 201
    assert len(statements) == 2, statements
    assert "session_version" in statements[0] and "user_roles" in statements[0]
    assert not any(s.lstrip().startswith("SELECT users.") for s in statements)


def test_a_start_that_waited_for_the_write_lock_past_closing_time_is_refused(world, app, db):
    """The clock is read once the write lock is held: a start queued behind another writer until the exam
    closed gets no paper (as Flask, which reads the clock after its transaction began)."""
    import threading

    engine = database(app).engine
    if engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL nothing queues before the statement that reads the clock's result")
    client = app.test_client()
    client.sign_in("w1")
    holder = engine.connect().execution_options(quizbank_write=True)
    holder.begin()  # another writer holds the lock
    answers = []
    starter = threading.Thread(
        target=lambda: answers.append(client.post("/api/v1/attempts", json={"exam_id": world["exam"].id}))
    )
    starter.start()
    starter.join(0.3)
    assert not answers  # queued
    app.config["CLOCK"].advance(days=2)  # the exam closes while it waits
    holder.rollback()
    holder.close()
    starter.join(10)
    assert _outcome(answers[0]) == (403, "not_assigned")
    db.rollback()
    assert db.scalar(select(Attempt.id).where(Attempt.exam_id == world["exam"].id)) is None


def test_an_unexpected_error_on_the_lean_path_is_rolled_back_and_flask_serves_the_request(
    world, app, db, monkeypatch
):
    from webapp.exams import lean

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in the lean path")

    monkeypatch.setattr(lean, "start_fresh_exam_attempt_signed_in", broken)
    client = app.test_client()
    client.sign_in("w1")
    r = client.post("/api/v1/attempts", json={"exam_id": world["exam"].id})
    assert r.status_code == 201, r.get_data(True)  # Flask's own start
    db.rollback()
    assert db.scalars(select(Attempt.id).where(Attempt.exam_id == world["exam"].id)).all() == [
        r.get_json()["id"]
    ]
