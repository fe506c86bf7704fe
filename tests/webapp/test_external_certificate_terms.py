"""The post's category decides which external certificate it needs, and a certificate is held to the terms
of the rule it was issued under (quizbank.rules.external_certs): on the form, the standing and the verify
page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.webapp.base_builders import form_token
from tests.webapp.cert_builders import qualify, world
from webapp.certs.models import SpecialCertificate


@pytest.fixture
def w(db, clock):
    return world(db, clock, special_operation=True)


def _record(client, **fields):
    page = client.get("/special-certificates/new").get_data(True)
    data = {"person": "E001", "number": "N1-2025-01", "kind": "叉车司机 N1", "post": "welding", **fields}
    return client.post("/special-certificates/new", data={**data, "csrf_token": form_token(page)}, csrf=False)


def _status(app, cert) -> dict:
    return app.test_client().get(f"/api/v1/certificates/verify/{cert.token}").get_json()


def _trainer(app):
    c = app.test_client()
    c.sign_in("t1")
    return c


def test_a_special_equipment_certificate_is_valid_4_years_by_default(app, db, clock, w):
    w["post"].certificate = "special_equipment"
    db.commit()
    cert = qualify(app, db, clock, w)
    r = _record(_trainer(app), document="special_equipment", issued="2024-09-01")
    assert r.status_code == 302, r.get_data(True)
    db.commit()
    row = db.scalar(select(SpecialCertificate))
    assert (row.document, row.regime, row.expires_on.isoformat()) == (
        "special_equipment",
        "tsg_z6001",
        "2028-09-01",
    )
    assert row.review_due == row.expires_on  # no separate 3-yearly review for this document
    assert _status(app, cert)["status"] == "valid"


def test_an_operation_certificate_does_not_stand_in_for_a_special_equipment_certificate(app, db, clock, w):
    w["post"].certificate = "special_equipment"
    db.commit()
    cert = qualify(app, db, clock, w)
    _record(_trainer(app), document="special_operation", issued="2024-09-01")
    data = _status(app, cert)
    assert data["status"] == "suspended" and "特种设备作业人员证" in data["reason"]


def test_an_operation_certificate_issued_under_order_19_needs_its_printed_expiry(app, db, clock, w):
    clock.set(datetime(2026, 8, 3, 1, 0, tzinfo=UTC))
    trainer = _trainer(app)
    page = _record(trainer, document="special_operation", issued="2026-07-01").get_data(True)
    assert "有效期至" in page and "须填写证书所载有效期" in page
    assert db.scalar(select(SpecialCertificate)) is None
    db.commit()  # end the read snapshot
    r = _record(trainer, document="special_operation", issued="2026-07-01", expires="2032-06-30")
    assert r.status_code == 302
    row = db.scalar(select(SpecialCertificate))
    assert (row.regime, row.review_due.isoformat()) == ("mem19", "2032-06-30")


def test_the_verify_page_names_the_terms_each_certificate_is_held_to(app, db, clock, w):
    cert = qualify(app, db, clock, w)
    _record(_trainer(app), document="special_operation", issued="2023-05-10", number="T-OLD")
    inspector = app.test_client()
    inspector.sign_in("insp1")
    page = inspector.get(f"/verify/{cert.token}").get_data(True)
    assert "按原30号令：有效期 6 年，每 3 年复审" in page


def test_the_due_list_shows_a_special_equipment_renewal_by_its_application_deadline(app, db, clock, w):
    w["post"].certificate = "special_equipment"
    db.commit()
    trainer = _trainer(app)
    _record(trainer, document="special_equipment", issued="2021-04-20")  # expires 2025-04-20
    dues = trainer.get("/api/v1/special-certificates?within=30").get_json()
    assert [(d["document"], d["next"], d["due"]) for d in dues] == [
        ("special_equipment", "renewal", "2025-03-20")
    ]
