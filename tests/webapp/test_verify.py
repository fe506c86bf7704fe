"""The public verify page and API: live status in plain words, masked holder, tampered and unknown tokens
refused (and by `quizbank certs verify` too), the inspector's full view, and the printed certificate's QR
leading to a page that reports the right status."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from quizbank.certificates import Claims, generate_key, sign_token, token_from_text
from tests.webapp.base_builders import form_token
from tests.webapp.cert_builders import changed_one_character, qualify, schedule, sit, world
from webapp.certs import service

needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")


@pytest.fixture
def w(db, clock):
    return world(db, clock)


@pytest.fixture
def cert(app, db, clock, w):
    return qualify(app, db, clock, w)


def _certs_verify(instance: str, what: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "quizbank", "certs", "verify", what, *args],
        capture_output=True,
        text=True,
        env={"QUIZBANK_HOME": instance, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )


def test_a_valid_certificate_page_says_valid_in_big_words_with_the_masked_holder(app, cert):
    client = app.test_client()
    page = client.get(f"/verify/{cert.token}").get_data(True)
    assert 'data-status="valid"' in page and ">有效<" in page
    assert "张*丰" in page and "电焊工" in page and "甲化工有限公司" in page
    assert cert.serial in page and "2026-03-02" in page
    assert 'href="/api/v1/certificates/public-key"' in page


def test_the_public_never_sees_the_full_name_or_the_id_number(app, cert):
    client = app.test_client()
    page = client.get(f"/verify/{cert.token}").get_data(True)
    api = client.get(f"/api/v1/certificates/verify/{cert.token}").get_data(True)
    for body in (page, api):
        assert "张三丰" not in body
        assert "110101199001011234" not in body and "1234" not in body.replace(cert.token, "")
    data = json.loads(api)
    assert {"status", "holder", "post", "expires"} <= set(data)
    assert data["holder"] == "张*丰"


def test_a_token_with_one_changed_character_is_refused_by_page_api_and_command(app, app_config, cert):
    client = app.test_client()
    for at in (0, 5, len(cert.token) // 2, len(cert.token) - 1):
        forged = changed_one_character(cert.token, at)
        page = client.get(f"/verify/{forged}")
        assert page.status_code == 400
        body = page.get_data(True)
        assert "无效证书" in body and "Traceback" not in body and "张*丰" not in body
        api = client.get(f"/api/v1/certificates/verify/{forged}")
        assert api.status_code == 400 and api.get_json()["error"]["code"] == "invalid_token"

    instance = app_config["INSTANCE_PATH"]
    good = _certs_verify(instance, f"http://localhost/verify/{cert.token}", "--today", "2025-06-01")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "张*丰" in good.stdout
    bad = _certs_verify(instance, changed_one_character(cert.token), "--today", "2025-06-01")
    assert bad.returncode == 1
    assert "无效" in bad.stdout


def test_a_token_signed_by_another_key_or_for_an_unknown_certificate_is_refused_plainly(app, cert):
    client = app.test_client()
    other_key, _ = generate_key()
    foreign = sign_token(
        Claims("QB-2025-000001", "welding", "张*丰", date(2025, 3, 3), date(2026, 3, 2)), other_key
    )
    r = client.get(f"/verify/{foreign}")
    assert r.status_code == 400 and "签名不符" in r.get_data(True)

    with app.app_context():
        unknown = sign_token(
            Claims("QB-2025-999999", "welding", "李*", date(2025, 3, 3), date(2026, 3, 2)),
            service.signing_key(),
        )
    r = client.get(f"/verify/{unknown}")
    assert r.status_code == 404 and "查无此证" in r.get_data(True)
    assert client.get(f"/api/v1/certificates/verify/{unknown}").status_code == 404
    r = client.get("/verify/not-a-token!")
    assert r.status_code in (400, 404) and "Traceback" not in r.get_data(True)


def test_the_page_shows_suspended_with_the_reason_after_a_failed_spot_test(app, db, clock, w, cert):
    worker = app.test_client()
    worker.sign_in("w1")
    clock.advance(days=3)
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "spot"), right=False)
    page = app.test_client().get(f"/verify/{cert.token}").get_data(True)
    assert 'data-status="suspended"' in page and ">暂停<" in page
    assert "补考" in page and "持证人可从事本岗位作业" not in page


def test_revoked_and_expired_certificates_say_so(app, db, clock, w, cert):
    client = app.test_client()
    trainer = app.test_client()
    trainer.sign_in("t1")
    clock.set(clock.now.replace(year=2026, month=3, day=10))
    assert ">已过期<" in client.get(f"/verify/{cert.token}").get_data(True)
    clock.set(clock.now.replace(year=2025, month=6, day=1))
    trainer.post(f"/api/v1/certificates/{cert.id}/revoke", json={"reason": "冒名顶替考试"})
    page = client.get(f"/verify/{cert.token}").get_data(True)
    assert ">已吊销<" in page and "冒名顶替考试" in page


def test_an_inspector_with_a_grant_sees_the_full_standing_and_can_start_a_spot_test(app, db, clock, w, cert):
    inspector = app.test_client()
    inspector.sign_in("insp1")
    page = inspector.get(f"/verify/{cert.token}").get_data(True)
    assert "张三丰" in page and "上岗资格" in page and "应完成事项" in page
    assert 'data-action="open-inspection"' in page  # no inspection open yet: open one for the department

    r = inspector.post(
        "/inspections",
        data={"department_id": w["dept"].id, "note": "x", "csrf_token": form_token(page)},
        csrf=False,
    )
    assert r.status_code == 302
    page = inspector.get(f"/verify/{cert.token}").get_data(True)
    assert 'data-action="spot-test"' in page
    link = page.split('data-action="spot-test"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link.endswith(
        f"/people/{w['person'].id}"
    )  # the worker's page, where 开始抽考 hands the tablet over
    person_page = inspector.get(link).get_data(True)
    assert "开始抽考：" in person_page and "/hand-over" in person_page


def test_an_inspector_without_a_grant_sees_only_the_public_page(app, cert):
    inspector = app.test_client()
    inspector.sign_in("insp2")
    page = inspector.get(f"/verify/{cert.token}").get_data(True)
    assert "张*丰" in page and "张三丰" not in page and "上岗资格" not in page


def test_the_verify_form_takes_a_pasted_url(app, cert):
    r = app.test_client().get("/verify", query_string={"t": f"https://example.org/verify/{cert.token}"})
    assert r.status_code == 302 and r.location.endswith(f"/verify/{cert.token}")


@needs_poppler
def test_the_printed_certificate_shows_chinese_text_and_its_qr_opens_a_page_with_the_right_status(
    app, db, clock, w, cert, tmp_path
):
    worker = app.test_client()
    worker.sign_in("w1")
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(worker.get(f"/certificates/{cert.id}/certificate.pdf").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("合格证", "张三丰", "电焊工", "甲化工有限公司", cert.serial):
        assert expected in text
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert len(found) == 1
    url = found[0].text
    assert url == f"http://localhost/verify/{cert.token}"

    client = app.test_client()
    path = "/verify/" + token_from_text(url)
    assert 'data-status="valid"' in client.get(path).get_data(True)
    clock.advance(days=2)
    sit(worker, db, schedule(db, clock, w["org"], w["post"], "spot"), right=False)
    assert 'data-status="suspended"' in client.get(path).get_data(True)


def test_the_certificate_endpoints_are_described_in_openapi(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or not rule.endpoint.startswith("certs."):
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        assert path in doc["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], f"{method} {path}"
            checked += 1
    assert checked >= 7
    assert doc["paths"]["/api/v1/certificates/verify/{token}"]["get"]["security"] == []
