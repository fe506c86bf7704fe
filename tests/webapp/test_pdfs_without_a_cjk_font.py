"""On a machine without a CJK font (the font lookup pointed at nothing): `quizbank serve` says at start what
is missing and how to install it, and every PDF route answers a clear Chinese message (503), not a 500."""

from __future__ import annotations

import argparse

import pytest

from tests.webapp.base_builders import make_user
from tests.webapp.cert_builders import qualify, world


@pytest.fixture
def w(app, db, clock):
    from webapp.handbooks.service.drafts import copy_builtin, handbook_of
    from webapp.handbooks.service.publishing import publish

    out = world(db, clock)
    make_user(db, out["org"], "admin1", ("admin",))
    handbook = handbook_of(db, out["org"].id, out["post"])  # a published 专业知识 part: a booklet to print
    copy_builtin(db, handbook, out["post"].code, clock())
    publish(db, handbook, None, "初版", clock())
    db.commit()
    return out


@pytest.fixture
def no_font(app, monkeypatch):
    import quizbank.certificates.pdf as pdf

    monkeypatch.setattr(pdf, "CJK_FONT_CANDIDATES", ())
    monkeypatch.delenv("QUIZBANK_CJK_FONT", raising=False)
    app.config["CJK_FONT_CANDIDATES"] = []


def _says_what_to_install(text: str) -> None:
    assert "中文字体" in text and "apt-get install fonts-wqy-zenhei" in text, text[:500]


def test_every_pdf_route_answers_a_chinese_message_without_the_font(app, db, clock, client, w, no_font):
    cert = qualify(app, db, clock, w)
    client.sign_in("insp1")
    r = client.post("/api/v1/inspections", json={"department_id": w["dept"].id})
    inspection_id = r.get_json()["id"]
    not_pdf = {"/reports/pass-rates.<fmt>"}  # xlsx or csv
    pdf_rules = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.endswith((".pdf", ".<ext>", ".<fmt>", ".zip")) and rule.rule not in not_pdf
    ]
    assert len(pdf_rules) >= 2, pdf_rules
    person_id = cert.person_id
    urls = {
        "/certificates/<int:cert_id>/certificate.pdf": f"/certificates/{cert.id}/certificate.pdf",
        "/inspections/<int:inspection_id>/report.pdf": f"/inspections/{inspection_id}/report.pdf",
        "/api/v1/people/<int:person_id>/archive.pdf": f"/api/v1/people/{person_id}/archive.pdf",
        "/records/departments/<int:department_id>/archives.zip": f"/records/departments/{w['dept'].id}/archives.zip",
        "/records/people/<int:person_id>/archive.<fmt>": f"/records/people/{person_id}/archive.pdf",
        "/handbooks/<code>/booklet.<ext>": f"/handbooks/{w['post'].code}/booklet.pdf",
    }
    assert set(pdf_rules) <= set(urls), f"a PDF route this test does not know: {pdf_rules}"
    client.post("/logout")
    client.sign_in("admin1")
    for url in urls.values():
        r = client.get(url)
        assert r.status_code == 503, (url, r.status_code)
        _says_what_to_install(r.get_data(True))
        r = client.get(url, headers={"Accept": "application/json"})
        assert r.get_json()["error"]["code"] == "font_missing"


def test_with_the_font_the_pdfs_are_made(app, db, clock, client, w):
    cert = qualify(app, db, clock, w)
    client.sign_in("insp1")
    r = client.get(f"/certificates/{cert.id}/certificate.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")


def test_serve_says_at_start_that_the_font_is_missing_and_how_to_install_it(
    tmp_path, monkeypatch, capsys, no_font
):
    import waitress

    from quizbank.commands import serve

    monkeypatch.setenv("QUIZBANK_HOME", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/serve.sqlite")
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: None)
    args = argparse.Namespace(host="127.0.0.1", port=5999, threads=1, connections=10, demo=False, workers=1)
    assert serve.run(args) == 0
    _says_what_to_install(capsys.readouterr().err)
