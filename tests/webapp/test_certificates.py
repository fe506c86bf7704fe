"""Issuing certificates on a passed exam, their live status from the rules, suspension and revocation,
the worker's 我的证书 with QR and PDF, the staff lists, and the signing key on first start."""

from __future__ import annotations

import io
import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from quizbank.certificates import PUBLIC_KEY_FILE, SIGNING_KEY_FILE, load_public_key, verify_token
from tests.webapp.cert_builders import certificate_of, qualify, schedule, sit, world
from webapp.certs import service
from webapp.certs.models import Certificate, SerialCounter
from webapp.infra.db import database, transaction
from webapp.standing.models import Event


@pytest.fixture
def w(db, clock):
    return world(db, clock)


def _status(client, cert) -> dict:
    r = client.get(f"/api/v1/certificates/verify/{cert.token}")
    assert r.status_code == 200, r.get_data(True)
    return r.get_json()


def test_passing_a_qualification_exam_issues_a_certificate_from_the_template(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    assert re.fullmatch(r"QB-2025-\d{6}", cert.serial)
    assert cert.kind == "qualification"
    assert cert.issued_on == date(2025, 3, 3)
    assert cert.expires_on == date(2026, 3, 2)  # the template's 12 months
    events = db.scalars(
        select(Event).where(Event.person_id == w["person"].id, Event.kind == "certificate_issued")
    )
    assert [e.data["serial"] for e in events] == [cert.serial]
    with app.app_context():
        claims = verify_token(cert.token, service.signing_key().public_key())
    assert (claims.serial, claims.post, claims.holder) == (cert.serial, "welding", "张*丰")


def test_failing_a_qualification_exam_issues_nothing(app, db, clock, w):
    exam = schedule(db, clock, w["org"], w["post"], "qualification")
    client = app.test_client()
    client.sign_in("w1")
    assert not sit(client, db, exam, right=False)["passed"]
    assert certificate_of(db, w["person"]) is None
    assert db.scalar(select(func.count(Event.id)).where(Event.kind == "certificate_issued")) == 0


def test_passing_a_periodic_exam_issues_no_certificate(app, db, clock, w):
    exam = schedule(db, clock, w["org"], w["post"], "periodic")
    client = app.test_client()
    client.sign_in("w1")
    assert sit(client, db, exam, right=True)["passed"]
    assert certificate_of(db, w["person"]) is None


def test_a_second_submit_issues_no_second_certificate(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    client = app.test_client()
    client.sign_in("w1")
    assert client.post(f"/api/v1/attempts/{cert.attempt_id}/submit").status_code == 200
    assert db.scalar(select(func.count(Certificate.id))) == 1


def test_serials_count_up_per_year_and_never_repeat_under_concurrent_issuers(app, db, clock, w):
    """Several threads issue at once, each in its own transaction of a POST request (as a submit does):
    every serial is distinct and the counter ends at the number issued."""
    person_id, post_id = w["person"].id, w["post"].id
    errors: list[BaseException] = []

    def issue_one():
        try:
            with app.test_request_context(method="POST"), transaction(app) as s:
                from webapp.org.models import Person, Post

                service.issue(s, s.get(Person, person_id), s.get(Post, post_id), on=date(2025, 3, 3))
        except BaseException as e:  # noqa: BLE001 — reported below
            errors.append(e)

    threads = [threading.Thread(target=issue_one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.commit()
    serials = list(db.scalars(select(Certificate.serial)))
    assert len(serials) == len(set(serials)) == 8
    assert sorted(serials) == [f"QB-2025-{n:06d}" for n in range(1, 9)]
    assert db.get(SerialCounter, 2025).last == 8


def test_live_status_follows_a_failed_spot_test_and_the_passed_make_up(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    client = app.test_client()
    assert _status(client, cert)["status"] == "valid"

    clock.advance(days=30)
    worker = app.test_client()
    worker.sign_in("w1")
    assert not sit(worker, db, schedule(db, clock, w["org"], w["post"], "spot"), right=False)["passed"]
    data = _status(client, cert)
    assert data["status"] == "suspended"
    assert "补考" in data["reason"]

    clock.advance(days=2)
    assert sit(worker, db, schedule(db, clock, w["org"], w["post"], "makeup"), right=True)["passed"]
    assert _status(client, cert)["status"] == "valid"


def _everywhere(app, cert) -> list[tuple[str, str | None]]:
    """The certificate's (status, reason) on the verify API, the standing API and the staff list API."""
    staff = app.test_client()
    staff.sign_in("t1")
    verify = _status(app.test_client(), cert)
    standing = staff.get(f"/api/v1/people/{cert.person_id}/standing?post=welding").get_json()
    listed = next(c for c in staff.get("/api/v1/certificates").get_json() if c["serial"] == cert.serial)
    held = next(c for c in standing["certificates"] if c["serial"] == cert.serial)
    return [(d["status"], d["reason"]) for d in (verify, held, listed)]


def test_a_makeup_owed_suspends_the_certificate_the_same_on_every_page(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    clock.advance(days=30)
    worker = app.test_client()
    worker.sign_in("w1")
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "spot"), right=False)
    seen = _everywhere(app, cert)
    assert len(set(seen)) == 1 and seen[0][0] == "suspended" and "补考" in seen[0][1]
    page = app.test_client().get(f"/verify/{cert.token}").get_data(True)
    assert 'data-status="suspended"' in page and "不得从事本岗位作业" in page


def test_a_makeup_owed_under_a_lenient_policy_keeps_the_certificate_valid_with_a_note(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    w["org"].policy = {"makeup_may_work": True}
    db.commit()
    clock.advance(days=30)
    worker = app.test_client()
    worker.sign_in("w1")
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "spot"), right=False)
    seen = _everywhere(app, cert)
    assert len(set(seen)) == 1 and seen[0][0] == "valid" and seen[0][1].startswith("待补考：")
    page = app.test_client().get(f"/verify/{cert.token}").get_data(True)
    assert 'data-status="valid"' in page and "待补考" in page and "持证人可从事本岗位作业" in page


def test_a_failed_make_up_keeps_the_certificate_suspended_until_retraining(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    worker = app.test_client()
    worker.sign_in("w1")
    clock.advance(days=10)
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "spot"), right=False)
    clock.advance(days=1)
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "makeup"), right=False)
    data = _status(app.test_client(), cert)
    assert data["status"] == "suspended"
    assert "脱产" in data["reason"]


def test_status_is_expiring_within_30_days_then_expired(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    client = app.test_client()
    clock.set(clock.now.replace(year=2026, month=2, day=10))
    assert _status(client, cert)["status"] == "expiring"
    clock.set(clock.now.replace(year=2026, month=3, day=3))
    assert _status(client, cert)["status"] == "expired"


def test_suspension_and_revocation_are_events_with_a_reason_and_the_acting_user(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    trainer = app.test_client()
    trainer.sign_in("t1")
    r = trainer.post(f"/api/v1/certificates/{cert.id}/suspend", json={"reason": ""})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "reason_required"

    r = trainer.post(f"/api/v1/certificates/{cert.id}/suspend", json={"reason": "现场违规动火"})
    assert r.status_code == 200 and r.get_json()["status"] == "suspended"
    assert "现场违规动火" in r.get_json()["reason"]
    event = db.scalar(select(Event).where(Event.kind == "certificate_suspended"))
    assert event.recorded_by == w["trainer"].id and event.data["by"] == "t1"

    r = trainer.post(f"/api/v1/certificates/{cert.id}/reinstate", json={"reason": "已整改"})
    assert r.get_json()["status"] == "valid"

    r = trainer.post(f"/api/v1/certificates/{cert.id}/revoke", json={"reason": "考试作弊"})
    assert r.get_json()["status"] == "revoked"
    assert trainer.post(f"/api/v1/certificates/{cert.id}/reinstate", json={"reason": "x"}).status_code == 409


def test_suspending_through_the_page_needs_a_reason_and_the_csrf_token(app, db, clock, w):
    from tests.webapp.base_builders import form_token

    cert = qualify(app, db, clock, w)
    trainer = app.test_client()
    trainer.sign_in("t1")
    page = trainer.get(f"/certificates/{cert.id}").get_data(True)
    assert "暂停、吊销或恢复" in page
    r = trainer.post(
        f"/certificates/{cert.id}/status", data={"action": "suspend", "reason": "证件待核"}, csrf=False
    )
    assert r.status_code == 400
    r = trainer.post(
        f"/certificates/{cert.id}/status",
        data={"action": "suspend", "reason": "证件待核", "csrf_token": form_token(page)},
        csrf=False,
    )
    assert r.status_code == 302
    assert _status(app.test_client(), cert)["status"] == "suspended"


def test_hr_sees_but_cannot_change_and_another_enterprise_gets_404(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    hr = app.test_client()
    hr.sign_in("hr1")
    assert hr.get(f"/certificates/{cert.id}").status_code == 200
    assert hr.post(f"/api/v1/certificates/{cert.id}/revoke", json={"reason": "x"}).status_code == 403
    other = app.test_client()
    other.sign_in("t2")
    assert other.get(f"/certificates/{cert.id}").status_code == 404
    assert other.get(f"/certificates/{cert.id}/certificate.pdf").status_code == 404
    assert other.post(f"/api/v1/certificates/{cert.id}/revoke", json={"reason": "x"}).status_code == 404


def test_the_worker_sees_their_certificate_with_a_qr_that_decodes_to_the_verify_url(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    worker = app.test_client()
    worker.sign_in("w1")
    page = worker.get("/me/certificates").get_data(True)
    assert cert.serial in page and "有效" in page and "下载打印版" in page
    png = worker.get(f"/certificates/{cert.id}/qr.png")
    assert png.mimetype == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert [r.text for r in found] == [f"http://localhost/verify/{cert.token}"]
    assert worker.get(f"/certificates/{cert.id}/qr.svg").mimetype == "image/svg+xml"
    pdf = worker.get(f"/certificates/{cert.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_worker_cannot_fetch_another_workers_certificate(app, db, clock, w):
    from tests.webapp.base_builders import make_worker

    cert = qualify(app, db, clock, w)
    make_worker(db, w["org"], "w2", w["post"])
    db.commit()
    other = app.test_client()
    other.sign_in("w2")
    assert other.get(f"/certificates/{cert.id}/qr.png").status_code == 404
    assert other.get(f"/certificates/{cert.id}/certificate.pdf").status_code == 404
    assert cert.serial not in other.get("/me/certificates").get_data(True)


def test_staff_list_filters_by_status_and_expiry_window(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    trainer = app.test_client()
    trainer.sign_in("t1")
    listed = trainer.get("/api/v1/certificates").get_json()
    assert [c["serial"] for c in listed] == [cert.serial]
    assert trainer.get("/api/v1/certificates?status=suspended").get_json() == []
    assert trainer.get("/api/v1/certificates?within=30").get_json() == []
    clock.set(clock.now.replace(year=2026, month=1, day=15))
    assert [c["serial"] for c in trainer.get("/api/v1/certificates?within=60").get_json()] == [cert.serial]
    assert [c["status"] for c in trainer.get("/api/v1/certificates?status=valid").get_json()] == ["valid"]
    assert trainer.get("/api/v1/certificates?within=45").status_code == 400
    page = trainer.get("/certificates?within=60").get_data(True)
    assert cert.serial in page and "60 天内到期" in page


def test_the_signing_key_is_made_once_on_first_start_and_published(app, app_config, client):
    from webapp import create_app

    folder = app_config["INSTANCE_PATH"]
    private = Path(folder, SIGNING_KEY_FILE).read_bytes()
    create_app(app_config)  # a second start (another process) keeps the key
    assert Path(folder, SIGNING_KEY_FILE).read_bytes() == private
    r = client.get("/api/v1/certificates/public-key")
    assert r.status_code == 200
    assert r.data == Path(folder, PUBLIC_KEY_FILE).read_bytes()
    load_public_key(r.data)


def test_a_database_shared_by_two_app_processes_issues_distinct_serials(app, app_config, db, clock, w):
    from webapp import create_app
    from webapp.org.models import Person, Post

    second = create_app(app_config)
    for a in (app, second, app):
        with a.app_context(), transaction(a) as s:
            service.issue(s, s.get(Person, w["person"].id), s.get(Post, w["post"].id), on=date(2025, 3, 3))
    database(second).dispose()
    assert sorted(db.scalars(select(Certificate.serial))) == [f"QB-2025-{n:06d}" for n in (1, 2, 3)]


def test_a_retraining_exam_passed_after_off_duty_training_issues_a_retraining_certificate(app, db, clock, w):
    from quizbank import rules
    from webapp.standing.service import record_event

    qualify(app, db, clock, w)
    worker = app.test_client()
    worker.sign_in("w1")
    clock.advance(days=5)
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "spot"), right=False)
    clock.advance(days=1)
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "makeup"), right=False)
    record_event(
        db, db.merge(w["person"]),
        rules.TrainingCompleted(on=clock.now.date() + timedelta(days=3), level="offduty", hours=24, session_id="off-1"),
        recorded_by=None,
    )  # fmt: skip
    db.commit()
    clock.advance(days=4)
    assert sit(worker, db, schedule(db, clock, w["org"], w["post"], "retraining"), right=True)["passed"]
    cert = certificate_of(db, w["person"])
    assert cert.kind == "retraining"
    assert _status(app.test_client(), cert)["status"] == "valid"
