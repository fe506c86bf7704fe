"""Builders for the certificate, special-certificate and verify tests: a trained worker, exams taken through
the real attempt API (answered right or wrong from the frozen paper), and tokens with one character changed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.webapp.base_builders import make_department, make_org, make_user, make_worker
from tests.webapp.builders import make_exam, make_grant, make_post_with_questions, make_training
from webapp.bank.models import Question
from webapp.certs.models import Certificate
from webapp.exams.models import Attempt, Exam
from webapp.org.models import Organisation, Person, Post


def world(db, clock, *, special_operation: bool = False) -> dict:
    """An enterprise with a department, the welding post with its questions, worker w1 (PIN 1234) trained
    for the post (24 学时 across 厂/车间/班组 levels), a trainer, HR, an inspector granted the enterprise,
    and an inspector of another enterprise without a grant."""
    org = make_org(db, "甲化工有限公司")
    dept = make_department(db, org, "一车间")
    post = make_post_with_questions(db, "welding", "电焊工")
    post.special_operation = special_operation  # after the sets: loading them upserts the post
    w1 = make_worker(db, org, "w1", post, department=dept, pin="1234", employee_no="E001")
    w1.person.name = "张三丰"
    w1.person.id_number = "110101199001011234"
    make_training(db, w1.person, post.code, on=clock().date() - timedelta(days=5))
    trainer = make_user(db, org, "t1", ("trainer",))
    make_user(db, org, "hr1", ("hr",))
    regulator = make_org(db, "应急管理局")
    inspector = make_user(db, regulator, "insp1", ("inspector",))
    make_grant(db, inspector, org)
    make_user(db, regulator, "insp2", ("inspector",))
    other = make_org(db, "乙企业")
    make_user(db, other, "t2", ("trainer",))
    db.commit()
    return {"org": org, "dept": dept, "post": post, "w1": w1, "person": w1.person, "trainer": trainer}


def schedule(db, clock, org: Organisation, post: Post, kind: str) -> Exam:
    db.commit()  # no stale read snapshot: SQLite refuses to upgrade it to a write
    exam = make_exam(db, org, post, now=clock(), kind=kind, title=f"{kind} 考试")
    db.commit()
    return exam


def answer_key(db, attempt_id: int) -> dict[str, list[int]]:
    """The right choices (paper positions) of every question on the attempt's frozen paper."""
    db.commit()  # end the read snapshot: see what requests committed since
    attempt = db.get(Attempt, attempt_id)
    out = {}
    for entry in attempt.layout:
        row = db.get(Question, entry["pk"])
        out[entry["id"]] = sorted(entry["order"].index(i) for i in row.answer)
    db.commit()
    return out


def answer(client, db, attempt_id: int, *, right: bool) -> dict:
    """Answer every question (all right, or all wrong) through the API and submit; the result JSON."""
    for qid, choices in answer_key(db, attempt_id).items():
        pick = choices if right else [next(i for i in range(2) if [i] != choices)]
        r = client.put(f"/api/v1/attempts/{attempt_id}/responses/{qid}", json={"choices": pick})
        assert r.status_code == 204, r.get_data(True)
    r = client.post(f"/api/v1/attempts/{attempt_id}/submit")
    assert r.status_code == 200, r.get_data(True)
    return r.get_json()


def sit(client, db, exam: Exam, *, right: bool) -> dict:
    """The signed-in worker sits `exam` and answers all right or all wrong."""
    r = client.post("/api/v1/attempts", json={"exam_id": exam.id})
    assert r.status_code == 201, r.get_data(True)
    return {"attempt_id": r.get_json()["id"], **answer(client, db, r.get_json()["id"], right=right)}


def certificate_of(db, person: Person) -> Certificate | None:
    db.commit()  # end the read snapshot: see what requests committed since
    cert = db.scalar(
        select(Certificate).where(Certificate.person_id == person.id).order_by(Certificate.id.desc())
    )
    db.commit()
    return cert


def qualify(app, db, clock, w: dict) -> Certificate:
    """w1 passes a qualification exam through the API; the certificate it issued."""
    exam = schedule(db, clock, w["org"], w["post"], "qualification")
    client = app.test_client()
    client.sign_in("w1")
    result = sit(client, db, exam, right=True)
    assert result["passed"]
    cert = certificate_of(db, w["person"])
    assert cert is not None
    return cert


def changed_one_character(token: str, at: int | None = None) -> str:
    at = len(token) // 2 if at is None else at
    ch = token[at]
    return token[:at] + ("B" if ch == "A" else "A") + token[at + 1 :]
