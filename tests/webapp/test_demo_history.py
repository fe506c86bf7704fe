"""The demo's half year: every page has something on it (pass rates by post and month, open retraining
cases, closed inspections, certificates valid/expiring/suspended), played through the services, and a
second seeding changes nothing."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from quizbank.assembly import assemble_seeded
from quizbank.blueprints import default_blueprint
from quizbank.grading import grade
from quizbank.plugins import discover
from webapp.bank.sets import sync_registry
from webapp.certs import service as certificates
from webapp.demo.history import answers_for
from webapp.demo.service import ORG_NAME, seed_demo
from webapp.exams.models import Attempt
from webapp.infra.db import Base, database
from webapp.inspections.models import Finding, Inspection
from webapp.org.models import Organisation
from webapp.reports.service import pass_rates
from webapp.training import service as training


def _seed(app, clock) -> dict:
    with app.app_context(), database(app).sessionmaker() as s:
        sync_registry(s, discover().sets)
        demo = seed_demo(s, clock())
        s.commit()
    return demo


def _counts(s) -> dict[str, int]:
    return {name: s.scalar(select(func.count()).select_from(t)) for name, t in Base.metadata.tables.items()}


def test_answers_for_a_target_score_pass_or_fail_as_aimed_whatever_the_paper():
    questions = discover().bank("welding")
    blueprint = default_blueprint("periodic")
    scores = set()
    for seed in range(3):
        paper = assemble_seeded(questions, blueprint, seed)
        for target, passes in ((90, True), (64, False)):
            result = grade(paper, answers_for(paper, target))
            assert result.passed is passes
            assert result.percent >= target
            scores.add((target, result.score))
    assert len(scores) == 2, "the score depends on the blueprint only"


@pytest.mark.slow
def test_the_demo_leaves_pass_rates_open_cases_closed_inspections_and_every_certificate_status(app, clock):
    demo = _seed(app, clock)
    with app.app_context(), database(app).sessionmaker() as s:
        org = s.scalar(select(Organisation).where(Organisation.name == ORG_NAME))
        by_post = pass_rates(s, org.id, "post")
        by_month = pass_rates(s, org.id, "month")
        by_department = pass_rates(s, org.id, "department")
        assert len(by_post) >= 5 and len(by_month) >= 6 and len(by_department) == 2
        assert any(r.attempts_passed < r.attempts for r in by_month), "a few fail"
        assert sum(r.attempts_passed for r in by_post) > 0.8 * sum(r.attempts for r in by_post), "most pass"

        cases = {(i.person.employee_no, i.case.kind): i for i in training.queue(s, [org.id])}
        assert ("SF006", "makeup") in cases, "the spot test failed three days ago: make-up due"
        violation = cases[("SF012", "violation")]
        assert 0 < violation.case.hours_done < violation.case.hours_required

        inspections = s.scalars(select(Inspection).where(Inspection.organisation_id == org.id)).all()
        assert len(inspections) == 2 and all(not i.is_open for i in inspections)
        spot = s.scalars(select(Attempt).where(Attempt.kind == "spot")).all()
        assert {a.passed for a in spot} == {True, False}
        assert s.scalar(select(func.count(Finding.id))) == 1
        makeups = s.scalars(select(Attempt).where(Attempt.kind == "makeup")).all()
        assert makeups and all(a.passed for a in makeups), "failures before the last week made up"

        statuses = {live.status for live in certificates.list_live(s, [org.id])}
        assert {"valid", "expiring", "suspended"} <= statuses
    first_worker = demo["users"]["workers"][0]
    client = app.test_client()
    client.sign_in(first_worker["username"], first_worker["password"])
    assert client.get("/api/v1/exams").get_json(), "the first worker still has the open exam to sit"


@pytest.mark.slow
def test_seeding_the_demo_twice_changes_nothing(app, clock):
    first = _seed(app, clock)
    with app.app_context(), database(app).sessionmaker() as s:
        before = _counts(s)
    clock.advance(days=3)  # a later day: the history stays as it was
    second = _seed(app, clock)
    with app.app_context(), database(app).sessionmaker() as s:
        after = _counts(s)
    assert first == second
    assert before == after
    assert before["attempts"] > 50 and before["training_sessions"] > 5


@pytest.mark.slow
def test_every_demo_login_works(app, clock):
    demo = _seed(app, clock)
    users = demo["users"]
    for role in ("admin", "trainer", "inspector", "hr"):
        client = app.test_client()
        r = client.post("/api/v1/login", json=users[role])
        assert r.status_code == 200, (role, r.get_data(True))
    for w in random.Random(1).sample(users["workers"], 3):
        r = app.test_client().post(
            "/api/v1/login", json={"username": w["username"], "password": w["password"]}
        )
        assert r.status_code == 200, (w["username"], r.get_data(True))


@pytest.mark.slow
def test_serve_demo_prints_every_staff_login_three_workers_and_a_verify_url_on_the_served_port(
    app, clock, capsys
):
    from quizbank.certificates.tokens import token_from_text
    from quizbank.commands.serve import print_demo_logins

    demo = _seed(app, clock)
    print_demo_logins(app, demo, "0.0.0.0", 8123)
    out = capsys.readouterr().out
    for role in ("admin", "trainer", "inspector", "hr"):
        assert f"{demo['users'][role]['username']} / {demo['users'][role]['password']}" in out
    shown = [w for w in demo["users"]["workers"] if f"{w['username']} / {w['password']}" in out]
    assert len(shown) == 3
    assert all(f"工号 {w['employee_no']}，PIN {w['pin']}" in out for w in shown)
    urls = [word for word in out.split() if "/verify/" in word]
    assert len(urls) == 1 and "http://127.0.0.1:8123/verify/" in urls[0]
    token = token_from_text(urls[0].split("：")[-1])
    r = app.test_client().get(f"/api/v1/certificates/verify/{token}")
    assert r.status_code == 200 and r.get_json()["status"] == "valid"
