"""Builders shared by the web tests of several areas, on top of `tests.webapp.base_builders` (make_org, make_department,
make_post, make_person, make_user, make_worker, make_question_sets): a post with its questions, an exam, an
attempt row, an inspector's grant, training, the exam path's world; clients signed in as a user; and the SQL
statements a block of requests runs.

Builders take a session and flush; they never commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from quizbank import rules
from tests.webapp.base_builders import TEST_PASSWORD, make_org, make_post, make_question_sets, make_worker
from webapp.exams.models import Attempt, Exam
from webapp.exams.service import schedule_exam
from webapp.infra.db import database
from webapp.org.models import Department, InspectorGrant, Organisation, Person, Post, User
from webapp.standing.service import record_event


def make_post_with_questions(s, code: str = "welding", name: str = "电焊工", *, per_type: int = 30) -> Post:
    """The post, a general question set and a set for the post with `per_type` questions of every type."""
    post = make_post(s, code, name)
    make_question_sets(s, code, name, per_type=per_type)
    return post


def make_exam(
    s,
    org: Organisation,
    post: Post,
    *,
    now: datetime | None = None,
    kind: str = "periodic",
    title: str | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    department: Department | None = None,
) -> Exam:
    """An exam of `kind` for the post's people, open from an hour before `now` to a day after unless
    `opens_at`/`closes_at` say otherwise."""
    if opens_at is None or closes_at is None:
        assert now is not None, "make_exam needs `now`, or both opens_at and closes_at"
    exam = schedule_exam(
        s,
        organisation_id=org.id,
        title=title or f"{post.name}考试",
        post=post,
        kind=kind,
        opens_at=opens_at or now - timedelta(hours=1),  # type: ignore[operator]
        closes_at=closes_at or now + timedelta(days=1),  # type: ignore[operator]
        department_id=department.id if department else None,
    )
    s.flush()
    return exam


def make_exam_world(s, now: datetime, workers: Sequence[str] = ("w1", "w2", "w3")) -> dict:
    """The exam path's world: 甲企业 with 电焊工 and its question sets, a worker signed in as each of `workers`
    (password TEST_PASSWORD), and 电焊工定期考试 open from an hour before `now` to a day after. Returns
    {"org", "post", "exam", "workers"}."""
    org = make_org(s, "甲企业")
    post = make_post(s, "welding", "电焊工")
    make_question_sets(s, "welding", "电焊工")
    people = [make_worker(s, org, name, post) for name in workers]
    exam = make_exam(s, org, post, now=now, title="电焊工定期考试")
    return {"org": org, "post": post, "exam": exam, "workers": people}


@contextmanager
def counting_statements(app) -> Iterator[list[str]]:
    """The SQL statements the app runs meanwhile (transaction control left out), in order."""
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_rest):
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def make_attempt(
    s,
    person: Person,
    post: Post,
    *,
    on: str,
    passed: bool | None,
    kind: str = "periodic",
    inspection_id: int | None = None,
    submitted: bool = True,
) -> Attempt:
    """A sat attempt, submitted at 10:00 China time on `on` (YYYY-MM-DD); no paper needed for reports."""
    at = datetime.fromisoformat(f"{on}T02:00:00").replace(tzinfo=UTC)
    a = Attempt(
        organisation_id=person.organisation_id,
        person_id=person.id,
        post_id=post.id,
        kind=kind,
        inspection_id=inspection_id,
        started_at=at,
        submitted_at=at if submitted else None,
        seed=1,
        layout=[],
        blueprint={},
        score=90.0 if passed else 50.0,
        max_score=100.0,
        passed=passed if submitted else None,
    )
    s.add(a)
    s.flush()
    return a


def make_grant(s, inspector: User, org: Organisation) -> InspectorGrant:
    """The inspector may inspect `org`."""
    row = InspectorGrant(user_id=inspector.id, organisation_id=org.id)
    s.add(row)
    s.flush()
    return row


def make_training(s, person: Person, post_code: str, *, on: date, hours: float = 8.0) -> None:
    """厂级, 车间级 and 班组级 training (the last two for the post) on the two days before `on` and on `on`,
    recorded through the standing service."""
    for i, level in enumerate(("factory", "workshop", "team")):
        record_event(
            s,
            person,
            rules.TrainingCompleted(
                on=on - timedelta(days=2 - i),
                level=level,  # type: ignore[arg-type]
                hours=hours,
                session_id=f"s-{person.id}-{level}",
                post=None if level == "factory" else post_code,
            ),
            recorded_by=None,
        )
    s.flush()


def fresh(db) -> None:
    """A new snapshot, objects reloaded: see what the requests committed."""
    db.rollback()
    db.expire_all()


def signed_in(app, username: str, password: str = TEST_PASSWORD):
    """A client of its own (another browser), signed in as `username`."""
    client = app.test_client()
    client.sign_in(username, password)
    return client


def can_sign_in(app, username: str, password: str) -> bool:
    r = app.test_client().post("/api/v1/login", json={"username": username, "password": password})
    return r.status_code == 200
