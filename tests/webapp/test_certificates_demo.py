"""The demo's certificates: every demo worker holds one, issued on a passed qualification exam, live status
from the demo's history (most valid, two expiring, two suspended: a make-up due, a 三违), one
special-operation worker's 特种作业操作证 is due for review soon, and `certificate_url` is absolute."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizbank.certificates import token_from_text
from quizbank.plugins import discover
from webapp.bank.sets import sync_registry
from webapp.certs.models import Certificate, SpecialCertificate
from webapp.demo.service import seed_demo
from webapp.infra.db import database
from webapp.standing.models import Event


def _seed(app, clock, **config):
    app.config.update(config)
    with app.app_context(), database(app).sessionmaker() as s:
        sync_registry(s, discover().sets)
        demo = seed_demo(s, clock())
        s.commit()
    return demo


@pytest.mark.slow
def test_every_demo_worker_holds_a_certificate_reachable_from_its_url(app, clock):
    demo = _seed(app, clock)
    client = app.test_client()
    statuses = []
    for w in demo["users"]["workers"]:
        assert w["certificate_url"].startswith("http://127.0.0.1:5000/verify/")
        r = client.get(f"/api/v1/certificates/verify/{token_from_text(w['certificate_url'])}")
        assert r.status_code == 200, r.get_data(True)
        assert r.get_json()["post"] == w["post"]
        statuses.append(r.get_json()["status"])
    assert statuses[0] == "valid", "the first worker (printed first) may work"
    assert sorted(statuses) == ["expiring"] * 2 + ["suspended"] * 2 + ["valid"] * 8


@pytest.mark.slow
def test_the_demo_certificates_come_from_passed_qualification_exams_and_are_not_issued_twice(app, clock):
    first = _seed(app, clock)
    second = _seed(app, clock)
    assert [w["certificate_url"] for w in first["users"]["workers"]] == [
        w["certificate_url"] for w in second["users"]["workers"]
    ]
    with app.app_context(), database(app).sessionmaker() as s:
        assert s.scalar(select(func.count(Certificate.id))) == 12
        taken = s.scalars(select(Event).where(Event.kind == "exam_taken")).all()
        qualifications = [e for e in taken if e.data["kind"] == "qualification"]
        assert len(qualifications) == 12 and all(e.data["passed"] for e in qualifications)
        issued = s.scalars(select(Certificate)).all()
        assert all(c.attempt_id is not None and c.kind == "qualification" for c in issued)


def test_one_demo_worker_has_a_special_operation_certificate_due_for_review_soon(app, clock):
    _seed(app, clock)
    trainer = app.test_client()
    trainer.sign_in("demo-trainer", "Trainer#2025")
    due = trainer.get("/api/v1/special-certificates?within=30").get_json()
    assert [d["next"] for d in due] == ["review"]
    assert 0 < due[0]["days_left"] <= 30
    with app.app_context(), database(app).sessionmaker() as s:
        assert s.scalar(select(func.count(SpecialCertificate.id))) > 1


@pytest.mark.slow
def test_the_base_url_of_certificate_urls_is_configurable(app, clock):
    demo = _seed(app, clock, QUIZBANK_BASE_URL="https://qb.example.cn/")
    assert all(
        w["certificate_url"].startswith("https://qb.example.cn/verify/") for w in demo["users"]["workers"]
    )
