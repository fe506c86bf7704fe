"""External 特种作业操作证: recorded by trainers as events, counted by standing and the verify page, listed
when due for review or expiring within 30/60/90 days."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import form_token
from tests.webapp.cert_builders import qualify, world
from webapp.certs.models import SpecialCertificate
from webapp.standing.models import Event


@pytest.fixture
def w(db, clock):
    return world(db, clock, special_operation=True)


def _record(client, **fields):
    page = client.get("/special-certificates/new").get_data(True)
    data = {
        "person": "E001",
        "number": "T110101",
        "kind": "熔化焊接与热切割作业",
        "post": "welding",
        **fields,
    }
    return client.post("/special-certificates/new", data={**data, "csrf_token": form_token(page)}, csrf=False)


def _status(app, cert) -> dict:
    return app.test_client().get(f"/api/v1/certificates/verify/{cert.token}").get_json()


def test_a_special_operation_post_without_an_operation_certificate_may_not_be_worked(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    data = _status(app, cert)
    assert data["status"] == "suspended"
    assert "特种作业操作证" in data["reason"]


def test_recording_the_operation_certificate_makes_the_certificate_valid(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    trainer = app.test_client()
    trainer.sign_in("t1")
    r = _record(trainer, issued="2023-05-10")
    assert r.status_code == 302, r.get_data(True)
    event = db.scalar(select(Event).where(Event.kind == "special_certificate_recorded"))
    assert event.data["review_due"] == "2026-05-10" and event.data["expires"] == "2029-05-10"
    assert event.recorded_by == w["trainer"].id
    assert _status(app, cert)["status"] == "valid"


def test_an_overdue_review_takes_the_worker_off_the_post(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    trainer = app.test_client()
    trainer.sign_in("t1")
    _record(trainer, issued="2021-05-10", review_due="2025-02-01")
    data = _status(app, cert)
    assert data["status"] == "suspended" and "复审" in data["reason"]


def test_recording_the_same_number_again_after_a_review_updates_the_record(app, db, clock, w):
    trainer = app.test_client()
    trainer.sign_in("t1")
    _record(trainer, issued="2022-03-20")
    _record(trainer, issued="2022-03-20", review_due="2028-03-20")
    rows = db.scalars(select(SpecialCertificate)).all()
    assert [(r.number, r.review_due) for r in rows] == [("T110101", date(2028, 3, 20))]
    assert len(db.scalars(select(Event).where(Event.kind == "special_certificate_recorded")).all()) == 2


def test_the_due_list_shows_reviews_and_expiries_within_the_chosen_window(app, db, clock, w):
    trainer = app.test_client()
    trainer.sign_in("t1")
    _record(trainer, issued="2022-03-20")  # review due 2025-03-20: in 17 days
    assert [d["number"] for d in trainer.get("/api/v1/special-certificates?within=30").get_json()] == [
        "T110101"
    ]
    due = trainer.get("/api/v1/special-certificates?within=30").get_json()[0]
    assert (due["next"], due["days_left"]) == ("review", 17)
    page = trainer.get("/special-certificates?within=30").get_data(True)
    assert "T110101" in page and "待复审" in page and "还有 17 天" in page
    _record(trainer, number="T2", issued="2022-06-20")  # review 2025-06-20: 109 days
    assert [d["number"] for d in trainer.get("/api/v1/special-certificates?within=90").get_json()] == [
        "T110101"
    ]
    assert trainer.get("/api/v1/special-certificates?within=7").status_code == 400


def test_bad_input_is_refused_with_a_reason_and_records_nothing(app, db, clock, w):
    trainer = app.test_client()
    trainer.sign_in("t1")
    r = _record(trainer, person="NOPE", issued="2022-03-20")
    assert r.status_code == 200 and "没有工号为 NOPE 的人员" in r.get_data(True)
    r = _record(trainer, issued="2030-01-01")
    assert "发证日期不能晚于今天" in r.get_data(True)
    r = _record(trainer, issued="2022-03-20", expires="2021-01-01")
    assert "不能早于发证日期" in r.get_data(True)
    assert db.scalars(select(SpecialCertificate)).all() == []


def test_workers_and_hr_cannot_record_and_other_enterprises_see_nothing(app, db, clock, w):
    trainer = app.test_client()
    trainer.sign_in("t1")
    _record(trainer, issued="2022-03-20")
    hr = app.test_client()
    hr.sign_in("hr1")
    assert hr.get("/special-certificates/new").status_code == 403
    assert "T110101" in hr.get("/special-certificates?within=30").get_data(True)
    worker = app.test_client()
    worker.sign_in("w1")
    assert worker.get("/special-certificates/new").status_code == 403
    assert "T110101" in worker.get("/me/certificates").get_data(True)
    other = app.test_client()
    other.sign_in("t2")
    assert other.get("/api/v1/special-certificates?within=90").get_json() == []
