"""Nobody reaches another organisation's objects by id, nor another person's within their own.

The walk goes over every route of `app.url_map` that takes a parameter, fills each parameter with an id of
enterprise A's objects (attempts, questions, sets, exams, people, departments, inspections, certificates,
training sessions, upload previews, users, tokens, grants, its own post's blueprints…) and asks as every
role of enterprise B: the answer must be 403 or 404, never the object. Routes added later are walked too;
a parameter name the walk cannot fill fails the test until `_values` knows it.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from sqlalchemy import select
from werkzeug.routing import Rule

from quizbank import model
from tests.webapp.base_builders import (
    core_questions,
    make_department,
    make_org,
    make_post,
    make_user,
    make_worker,
)
from tests.webapp.builders import make_grant, make_post_with_questions
from tests.webapp.platform_builders import make_jurisdiction, make_regulator
from webapp.bank.models import Question
from webapp.bank.sets import load_question_set
from webapp.org.models import ROLES, Post

REFUSED = {403, 404}
# Parameters that are not object ids (a fixed choice, or text the route only shows).
NOT_IDS = {"fmt", "kind", "ext"}
PUBLIC_BY_DESIGN = {"certs.verify_page", "certs.api_verify"}  # the signed token is the credential


def _in_request(app, fn):
    with app.test_request_context():
        from webapp.infra.db import session

        out = fn(session)
        session.commit()
        return out


@pytest.fixture
def enterprise_a(app, db, clock) -> dict:
    """Enterprise A with one of everything that has an id, and enterprise B with a user of every role
    (its inspector has no grant for A)."""
    a = make_org(db, "甲企业")
    dept = make_department(db, a, "一车间")
    post = make_post_with_questions(db, "welding", "电焊工", per_type=12)
    own_post = Post(code="a-only", name="甲企业自有岗位", organisation_id=a.id)
    db.add(own_post)
    w1 = make_worker(db, a, "a-w1", post, department=dept, pin="2468", employee_no="A001")
    make_worker(db, a, "a-w2", post, department=dept, pin="1357", employee_no="A002")
    trainer = make_user(db, a, "a-trainer", ("trainer",))
    hr = make_user(db, a, "a-hr", ("hr",))
    make_user(db, a, "a-admin", ("admin",))
    regulator = make_org(db, "应急管理局")
    inspector = make_user(db, regulator, "a-insp", ("inspector",))
    a_grant = make_grant(db, inspector, a)  # A lets this outside inspector in
    a_inspector = make_user(db, a, "a-insp-own", ("inspector",))
    make_grant(db, a_inspector, regulator)
    second_inspector = make_user(db, regulator, "a-insp2", ("inspector",))
    make_grant(db, second_inspector, a)
    overseer = make_regulator(db, "甲所在园区安监")
    jurisdiction = make_jurisdiction(db, overseer, a, date(2020, 1, 1))

    b = make_org(db, "乙企业")
    b_post = make_post(db, "b-post", "乙岗位")
    for role in ROLES:
        if role == "worker":
            make_worker(db, b, "b-worker", b_post)
        else:
            make_user(db, b, f"b-{role}", (role,))
    db.commit()
    ids = {"org": a.id, "department": dept.id, "person": w1.person_id, "employee_no": "A001"}
    ids.update(post=post.id, own_post_code="a-only", user=trainer.id, grant=a_grant.id, hr=hr.id)
    ids.update(jurisdiction=jurisdiction.id, overseer=overseer.id)

    # An organisation-owned question set with its handbook section and questions.
    qset = load_question_set(
        db,
        model.QuestionSet(
            id="a-own", title="甲题集", version="1", posts=(),
            handbook=model.Handbook(
                title="甲手册", version="1",
                sections=(model.Section(id="a-1", title="甲规程", part="professional", body="甲企业内部规程"),),
            ),
            questions=tuple(core_questions("a", "professional", "a-1", {"single": 2})),
        ),
        organisation_id=a.id,
        origin="import",
    )  # fmt: skip
    db.commit()
    ids["set"] = ids["section_set"] = qset.id
    ids["section_id"] = "a-1"
    ids["question"] = db.scalar(select(Question.id).where(Question.set_id == qset.id).limit(1))
    db.commit()

    # An exam, w1's attempt at it, a practice attempt; an inspection with a spot test in kiosk mode.
    from tests.webapp.cert_builders import schedule

    exam = schedule(db, clock, a, post, "periodic")
    ids["exam"] = exam.id
    worker = app.test_client()
    worker.sign_in("a-w1")
    r = worker.post("/api/v1/attempts", json={"practice": {"post": "welding"}})
    assert r.status_code == 201, r.get_data(True)
    ids["practice_attempt"] = r.get_json()["id"]
    r = worker.post("/api/v1/attempts", json={"exam_id": exam.id})
    assert r.status_code == 201, r.get_data(True)
    ids["attempt"], ids["question_key"] = r.get_json()["id"], r.get_json()["questions"][0]["id"]
    insp = app.test_client()
    insp.sign_in("a-insp")
    r = insp.post("/api/v1/inspections", json={"department_id": dept.id})
    assert r.status_code == 201, r.get_data(True)
    ids["inspection"] = r.get_json()["id"]
    r = insp.post(
        f"/api/v1/inspections/{ids['inspection']}/spot-tests", json={"person_id": w1.person_id, "pin": "2468"}
    )
    assert r.status_code in (200, 201), r.get_data(True)
    ids["spot_attempt"] = r.get_json()["id"]

    # A certificate, a special-operations certificate, a training session, upload previews, an API token.
    def rest(s):
        from webapp.certs import service as certificates
        from webapp.infra.security import create_api_token
        from webapp.org.models import Person, User
        from webapp.training.service import record_session
        from webapp.uploads.service import store_preview

        person = s.get(Person, w1.person_id)
        today = date(2025, 3, 3)
        cert = certificates.issue(s, person, s.get(Post, post.id), on=today)
        special = certificates.record_special(
            s, person, number="T1", kind="焊接与热切割作业", issued=today - timedelta(days=30),
            review_due=None, expires=None, post_code=None, recorded_by=None, on=today,
        )  # fmt: skip
        training = record_session(
            s, organisation_id=a.id, level="factory", title="厂级教育", held_on=today, hours=8,
            attendees=[(person, 8)], by=s.get(User, trainer.id), today=today,
        )  # fmt: skip
        bank_preview = store_preview(
            s, kind="questions", organisation_id=a.id, user_id=trainer.id, filename="a.xlsx",
            payload={"questions": [], "problems": [], "target": {"part": "general"}},
        )  # fmt: skip
        roster_preview = store_preview(
            s, kind="roster", organisation_id=a.id, user_id=hr.id, filename="r.xlsx",
            payload={"rows": [], "problems": []},
        )  # fmt: skip
        create_api_token(s.get(User, trainer.id), "erp")
        s.flush()
        from webapp.org.models import ApiToken

        token = s.query(ApiToken).filter_by(user_id=trainer.id).one()
        from quizbank.handbook_files import EditableSection
        from webapp.handbooks import service as handbooks
        from webapp.infra import clock

        hb = handbooks.handbook_of(s, a.id, s.get(Post, own_post.id))
        handbooks.replace_draft(s, hb, [EditableSection("a-1", "甲规程", "甲企业内部规程")], clock.now())
        version = handbooks.publish(s, hb, None, "初版", clock.now())
        return {
            "version": version.id,
            "cert": cert.id, "special": special.id, "training": training.id, "bank_preview": bank_preview.token,
            "roster_preview": roster_preview.token, "token": token.id,
        }  # fmt: skip

    ids.update(_in_request(app, rest))
    return ids


def _values(rule: Rule, ids: dict) -> list[dict]:
    """Every way to fill the rule's parameters with A's ids (several attempts: exam, practice, kiosk)."""
    choices: dict[str, list] = {}
    for name in rule.arguments:
        if name == "attempt_id":
            choices[name] = [ids["attempt"], ids["practice_attempt"], ids["spot_attempt"]]
        elif name == "question_id":
            is_key = "attempts" in rule.rule
            choices[name] = [ids["question_key"] if is_key else ids["question"]]
        elif name == "token":
            choices[name] = [
                ids["roster_preview"] if rule.endpoint.startswith("roster.") else ids["bank_preview"]
            ]
        elif name == "set_id":
            choices[name] = [ids["section_set"]] if "section_id" in rule.arguments else [ids["set"]]
        elif name == "code":
            choices[name] = [ids["own_post_code"]]
        elif name == "kind":
            choices[name] = ["periodic"]
        elif name == "fmt":
            choices[name] = ["xlsx"]
        elif name == "ext":
            choices[name] = ["pdf"]
        elif name == "number":
            choices[name] = [1]
        else:
            key = {
                "exam_id": "exam", "person_id": "person", "department_id": "department",
                "inspection_id": "inspection", "cert_id": "cert", "session_id": "training",
                "user_id": "user", "token_id": "token", "grant_id": "grant", "organisation_id": "org",
                "employee_no": "employee_no", "section_id": "section_id", "special_id": "special",
                "version_id": "version",
                "jurisdiction_id": "jurisdiction",
            }.get(name)  # fmt: skip
            assert key is not None, f"{rule.endpoint}: the walk does not know how to fill <{name}>"
            choices[name] = [ids[key]]
    names = sorted(choices)
    return [dict(zip(names, combo, strict=True)) for combo in product(*(choices[n] for n in names))]


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or not (set(rule.arguments) - NOT_IDS):
            continue
        if getattr(view, "access", None) == "public" and rule.endpoint in PUBLIC_BY_DESIGN:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _leaks(app, username: str, ids: dict, only=lambda rule: True) -> list[str]:
    client = app.test_client()
    client.sign_in(username)
    out = []
    for rule, method in _id_routes(app):
        if not only(rule):
            continue
        for values in _values(rule, ids):
            url = rule.build(values, append_unknown=False)[1]
            body = {"json": {}} if url.startswith("/api/") else {"data": {}}
            r = client.open(url, method=method, **body)
            if r.status_code not in REFUSED:
                out.append(f"{method} {url} ({rule.endpoint}) → {r.status_code}")
                if rule.endpoint.endswith(".hand_over"):  # the session is now a worker's kiosk: start afresh
                    client = app.test_client()
                    client.sign_in(username)
    return out


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_another_enterprise_reaches_an_object_by_its_id(app, enterprise_a, role):
    username = "b-worker" if role == "worker" else f"b-{role}"
    assert _leaks(app, username, enterprise_a) == []


def _personal(rule: Rule) -> bool:
    """Routes about one person's own things: attempts, results, certificates, their people pages."""
    return bool({"attempt_id", "cert_id"} & set(rule.arguments))


def test_a_worker_reaches_none_of_a_colleagues_attempts_results_or_certificates(app, enterprise_a):
    assert _leaks(app, "a-w2", enterprise_a, only=_personal) == []


def test_an_inspector_with_a_grant_cannot_act_in_another_inspectors_kiosk_attempt(app, enterprise_a):
    def attempts(rule: Rule) -> bool:
        return "attempt_id" in rule.arguments

    assert _leaks(app, "a-insp2", enterprise_a, only=attempts) == []


def test_the_walk_reaches_the_objects_as_their_owner(app, enterprise_a):
    """The ids are real: the worker reads their own attempt, the trainer their certificate and set."""
    ids = enterprise_a
    worker = app.test_client()
    worker.sign_in("a-w1")
    assert worker.get(f"/api/v1/attempts/{ids['attempt']}").status_code == 200
    trainer = app.test_client()
    trainer.sign_in("a-trainer")
    assert trainer.get(f"/certificates/{ids['cert']}").status_code == 200
    assert trainer.get(f"/bank/questions/{ids['question']}").status_code == 200
    assert trainer.get(f"/training/sessions/{ids['training']}").status_code == 200
    assert trainer.get(f"/bank/import/{ids['bank_preview']}").status_code == 200
    assert trainer.get("/handbooks/a-only/versions/1").status_code == 200
    inspector = app.test_client()
    inspector.sign_in("a-insp")
    assert inspector.get(f"/api/v1/attempts/{ids['spot_attempt']}").status_code == 200
    # The kiosk page itself opens only on a handed-over tablet: it sends the inspector to the worker's page.
    kiosk = inspector.get(f"/inspections/{ids['inspection']}/spot-tests/{ids['spot_attempt']}")
    assert kiosk.status_code == 302 and f"/inspections/{ids['inspection']}/people/" in kiosk.location
