"""One live certificate per person and post: a retraining pass after a suspension leaves exactly one (the new
certificate; the old one reads 已换发新证), also when issues race; and a certificate printed while it is not
valid carries its status at print time (暂停) and the verify URL."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from quizbank import rules
from tests.webapp.cert_builders import certificate_of, qualify, schedule, sit, world
from webapp.certs import service
from webapp.certs.models import Certificate
from webapp.infra.db import transaction
from webapp.standing.service import record_event

LIVE = {"valid", "expiring", "suspended"}


@pytest.fixture
def w(db, clock):
    return world(db, clock)


def _status(client, cert) -> dict:
    r = client.get(f"/api/v1/certificates/verify/{cert.token}")
    assert r.status_code == 200, r.get_data(True)
    return r.get_json()


def _live(app, db, person) -> list[tuple[str, str]]:
    db.rollback()
    certs = db.scalars(select(Certificate).where(Certificate.person_id == person.id).order_by(Certificate.id))
    client = app.test_client()
    statuses = [(c.serial, _status(client, c)["status"]) for c in certs]
    return [s for s in statuses if s[1] in LIVE]


def test_retraining_after_a_suspension_leaves_one_live_certificate(app, db, clock, w):
    old = qualify(app, db, clock, w)
    worker = app.test_client()
    worker.sign_in("w1")
    clock.advance(days=5)
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "spot"), right=False)
    clock.advance(days=1)
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "makeup"), right=False)
    assert _status(app.test_client(), old)["status"] == "suspended"
    record_event(
        db, db.merge(w["person"]),
        rules.TrainingCompleted(on=clock.now.date() + timedelta(days=3), level="offduty", hours=24, session_id="off-1"),
        recorded_by=None,
    )  # fmt: skip
    db.commit()
    clock.advance(days=4)
    assert sit(worker, db, schedule(db, clock, w["org"], w["post"], "retraining"), right=True)["passed"]
    new = certificate_of(db, w["person"])
    assert new.kind == "retraining" and new.serial != old.serial
    assert _live(app, db, w["person"]) == [(new.serial, "valid")]
    old_status = _status(app.test_client(), old)
    assert old_status["status"] == "revoked" and f"已换发新证 {new.serial}" in old_status["reason"]


def test_issues_racing_for_one_person_and_post_leave_one_live_certificate(app, db, clock, w):
    person_id, post_id = w["person"].id, w["post"].id
    errors: list[BaseException] = []

    def issue_one():
        try:
            with app.test_request_context(method="POST"), transaction(app) as s:
                from webapp.org.models import Person, Post

                service.issue(s, s.get(Person, person_id), s.get(Post, post_id), on=date(2025, 3, 3))
        except BaseException as e:  # noqa: BLE001 — reported below
            errors.append(e)

    threads = [threading.Thread(target=issue_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(db.scalars(select(Certificate.id)).all()) == 6
    assert len(_live(app, db, w["person"])) == 1


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def _pdf_text(client, cert) -> str:
    r = client.get(f"/certificates/{cert.id}/certificate.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    done = subprocess.run(["pdftotext", "-", "-"], input=r.data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@needs_poppler
def test_a_suspended_certificate_prints_with_its_status_at_print_time_and_the_verify_url(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    worker = app.test_client()
    worker.sign_in("w1")
    with app.test_request_context():
        url = service.url_of(cert)
    clean = _pdf_text(worker, cert)
    assert "打印时状态" not in clean  # (the footer names 暂停 as a rule: the stamp is what must be absent)
    assert url in "".join(clean.split()).replace("核验网址：", "")

    trainer = app.test_client()
    trainer.sign_in("t1")
    r = trainer.post(f"/api/v1/certificates/{cert.id}/suspend", json={"reason": "现场违规动火"})
    assert r.status_code == 200
    stamped = _pdf_text(worker, cert)
    assert "暂停" in stamped and "打印时状态：暂停（2025年3月3日）" in stamped.replace(" ", "")
    assert "现场违规动火" in stamped
    assert url in "".join(stamped.split()).replace("核验网址：", "")
