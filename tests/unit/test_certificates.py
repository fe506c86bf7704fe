"""Certificate tokens, keys, QR codes, templates and the printable PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from quizbank.certificates import (
    PUBLIC_KEY_FILE,
    SIGNING_KEY_FILE,
    Claims,
    FontNotFound,
    InvalidToken,
    certificate_pdf,
    ensure_signing_key,
    find_cjk_font,
    generate_key,
    issue_certificate,
    load_template,
    make_serial,
    mask_name,
    parse_serial,
    qr_png,
    qr_svg,
    sign_token,
    template_from_dict,
    token_from_text,
    verify_token,
    verify_url,
)
from quizbank.rules import (
    CertificateIssued,
    CertificateRevoked,
    ExamTaken,
    Policy,
    TrainingCompleted,
    certificate_state,
)

BASE = "https://quizbank.example.cn"


@cache
def keys() -> tuple[bytes, bytes]:
    return generate_key()


def certificate(
    number: int = 123, holder: str = "张三丰", post_code: str = "welding", issued=date(2026, 1, 9)
):
    return issue_certificate(
        number,
        holder=holder,
        post_code=post_code,
        post_name="电焊工",
        organisation="示范化工有限公司",
        issued=issued,
        template=load_template("qualification"),
    )


def token(cert=None) -> str:
    return sign_token((cert or certificate()).claims(), keys()[0])


def flip(text: str, at: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return text[:at] + alphabet[(alphabet.index(text[at]) + 1) % 64] + text[at + 1 :]


# --- tokens -----------------------------------------------------------------------------------


def test_sign_verify_round_trip_carries_the_masked_holder():
    claims = verify_token(token(), keys()[1])
    assert claims == Claims(
        "QB-2026-000123", "welding", "张*丰", date(2026, 1, 9), date(2027, 1, 8), claims.key_id
    )


def test_token_holds_no_id_number_nor_the_full_name():
    raw = token()
    assert "张三丰".encode() not in __import__("base64").urlsafe_b64decode(raw + "=" * (-len(raw) % 4))


@pytest.mark.parametrize("at", [0, 1, 5, 20, 40, -40, -2, -1])
def test_token_with_one_changed_character_is_refused(at):
    good = token()
    with pytest.raises(InvalidToken):
        verify_token(flip(good, at % len(good)), keys()[1])


def test_every_single_character_change_is_refused():
    good = token()
    for at in range(len(good)):
        with pytest.raises(InvalidToken):
            verify_token(flip(good, at), keys()[1])


def test_token_signed_by_another_key_is_refused_plainly():
    other_private, _ = generate_key()
    with pytest.raises(InvalidToken, match="signature mismatch"):
        verify_token(sign_token(certificate().claims(), other_private), keys()[1])


@pytest.mark.parametrize("bad", ["", "not a token!", "AAAA", "QB-2026-000123"])
def test_garbage_is_refused_as_bad_format(bad):
    with pytest.raises(InvalidToken, match="bad format"):
        verify_token(bad, keys()[1])


def test_verify_url_stays_short_for_a_small_qr():
    url = verify_url(BASE, token())
    assert len(url) <= 160, len(url)
    assert token_from_text(url) == token()
    assert token_from_text(f"{BASE}/certs?t={token()}") == token()
    assert token_from_text(f"  {token()}\n") == token()


def test_the_token_is_found_after_the_last_verify_of_a_url():
    assert token_from_text(verify_url(f"{BASE}/verify", token())) == token()


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三丰", "张*丰"), ("张三", "张*"), ("张", "*"), ("欧阳娜娜", "欧**娜"), (" 李 四 ", "李*"), ("", "")],
)
def test_a_masked_name_shows_only_its_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_a_serial_reads_back_as_year_and_number_and_other_shapes_are_refused():
    assert make_serial(123, 2026) == "QB-2026-000123"
    assert parse_serial("QB-2026-1234567") == (2026, 1234567)
    with pytest.raises(ValueError, match="QB-YYYY-NNNNNN"):
        parse_serial("2026-123")


def test_certificate_valid_one_year_by_default():
    cert = certificate(issued=date(2024, 2, 29))
    assert (cert.serial, cert.expires) == ("QB-2024-000123", date(2025, 2, 27))
    assert certificate().expires == date(2027, 1, 8)


# --- keys -------------------------------------------------------------------------------------


def test_signing_key_made_once_and_public_half_published(tmp_path):
    first = ensure_signing_key(tmp_path)
    second = ensure_signing_key(tmp_path)
    assert first.private_bytes_raw() == second.private_bytes_raw()
    assert (tmp_path / SIGNING_KEY_FILE).stat().st_mode & 0o077 == 0
    claims = verify_token(
        sign_token(certificate().claims(), first), (tmp_path / PUBLIC_KEY_FILE).read_bytes()
    )
    assert claims.serial == "QB-2026-000123"


# --- QR ---------------------------------------------------------------------------------------


def test_qr_png_decodes_to_the_url():
    url = verify_url(BASE, token())
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))
    assert [r.text for r in found] == [url]


def test_qr_svg_is_an_svg():
    svg = qr_svg(verify_url(BASE, token()))
    assert svg.startswith("<svg") and "<path" in svg


# --- templates --------------------------------------------------------------------------------


def test_built_in_certificate_templates_are_valid_for_twelve_months_and_name_the_holder():
    for kind in ("qualification", "retraining"):
        t = load_template(kind)
        assert (t.kind, t.validity_months) == (kind, 12)
        assert "安全培训合格证" in t.title and "{holder}" in t.wording


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "q", "title": "合格证", "wording": "{name}"}, "unknown placeholder {name}"),
        ({"kind": "q", "title": "合格证"}, "'wording' is required"),
        ({"kind": "q", "title": "合格证", "wording": "x", "validity_months": 0}, "validity_months"),
        ({"kind": "q", "title": "合格证", "wording": "x", "colour": "red"}, "unknown field 'colour'"),
        ({"kind": "q", "title": "合格证", "wording": "x", "layout": {"page": "A3"}}, "layout.page"),
    ],
)
def test_bad_template_is_refused_naming_the_field(data, message):
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("}", r"\}")):
        template_from_dict(data, source="certificates/q.yaml")


def test_unknown_template_kind_says_which_exist():
    with pytest.raises(ValueError, match="qualification"):
        load_template("nonesuch")


def test_missing_font_gives_a_clear_error(tmp_path):
    with pytest.raises(FontNotFound, match="fonts-wqy-zenhei"):
        find_cjk_font([str(tmp_path / "none.ttf")])


# --- the printable PDF ------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")


@needs_poppler
def test_pdf_renders_chinese_text_and_a_qr_whose_page_reports_the_status(tmp_path):
    cert = certificate()
    url = verify_url(BASE, token(cert))
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(certificate_pdf(cert, load_template("qualification"), url, find_cjk_font()))

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "安全培训合格证",
        "张三丰",
        "电焊工",
        "示范化工有限公司",
        "QB-2026-000123",
        "2027年1月8日",
    ):
        assert expected in text

    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [r.text for r in found] == [url]

    # The page behind the URL reports the live status, from the rules.
    claims = verify_token(token_from_text(found[0].text), keys()[1])
    events = [
        TrainingCompleted(date(2026, 1, 5), "factory", 8, "s1"),
        TrainingCompleted(date(2026, 1, 6), "workshop", 8, "s2", "welding"),
        TrainingCompleted(date(2026, 1, 7), "team", 8, "s3", "welding"),
        ExamTaken(date(2026, 1, 9), "qualification", score=92, post="welding"),
        CertificateIssued(cert.issued, cert.serial, cert.expires, cert.post_code),
    ]
    state = certificate_state(events, Policy(), date(2026, 6, 1), serial=claims.serial)
    assert state is not None and state.status == "valid"
    state = certificate_state(events, Policy(), date(2026, 12, 20), serial=claims.serial)
    assert state is not None and state.status == "expiring"
    revoked = [*events, CertificateRevoked(date(2026, 2, 1), cert.serial, "弄虚作假", by="admin")]
    state = certificate_state(revoked, Policy(), date(2026, 6, 1), serial=claims.serial)
    assert state is not None and (state.status, "弄虚作假" in (state.reason or "")) == ("revoked", True)


def test_pdf_is_deterministic():
    cert = certificate()
    url = verify_url(BASE, token(cert))
    template = load_template("retraining")
    assert certificate_pdf(cert, template, url) == certificate_pdf(cert, template, url)


def test_template_path_is_the_repository_folder():
    assert (Path(load_template().source).parent / "qualification.yaml").is_file()
