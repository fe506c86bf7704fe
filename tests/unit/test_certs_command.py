"""`quizbank certs verify` and `quizbank certs keygen`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from quizbank.certificates import (
    PUBLIC_KEY_FILE,
    SIGNING_KEY_FILE,
    ensure_signing_key,
    generate_key,
    issue_certificate,
    load_template,
    qr_png,
    sign_token,
    verify_token,
    verify_url,
)
from quizbank.cli import main

BASE = "https://quizbank.example.cn"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZBANK_HOME", str(tmp_path))
    return tmp_path


def issued_token(home, holder="张三丰", issued=date(2026, 1, 9)) -> str:
    cert = issue_certificate(
        7,
        holder=holder,
        post_code="welding",
        post_name="电焊工",
        organisation="示范化工有限公司",
        issued=issued,
        template=load_template("qualification"),
    )
    return sign_token(cert.claims(), ensure_signing_key(home))


def verify(*args: str) -> list[str]:
    return ["certs", "verify", *args, "--today", "2026-03-01"]


def test_verify_token_prints_masked_holder_and_says_revocation_is_unchecked(home, capsys):
    assert main(verify(issued_token(home))) == 0
    out = capsys.readouterr().out
    for expected in (
        "张*丰",
        "welding",
        "2027-01-08",
        "QB-2026-000007",
        "revocation cannot be checked offline",
    ):
        assert expected in out
    assert "张三丰" not in out


def test_verify_url_and_json(home, capsys):
    url = verify_url(BASE, issued_token(home))
    assert main(verify(url, "--json")) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["status"], result["holder"], result["revocation_checked"]) == ("valid", "张*丰", False)


def test_verify_image_of_the_qr(home, tmp_path, capsys):
    image = tmp_path / "qr.png"
    image.write_bytes(qr_png(verify_url(BASE, issued_token(home))))
    assert main(verify(str(image), "--json")) == 0
    assert json.loads(capsys.readouterr().out)["serial"] == "QB-2026-000007"


def test_one_changed_character_is_refused_with_exit_1(home, capsys):
    good = issued_token(home)
    bad = good[:30] + ("A" if good[30] != "A" else "B") + good[31:]
    assert main(verify(bad)) == 1
    assert "signature mismatch" in capsys.readouterr().out


def test_token_of_another_key_is_refused(home, tmp_path, capsys):
    other, _ = generate_key()
    claims = verify_token(issued_token(home), (home / PUBLIC_KEY_FILE).read_bytes())
    forged = sign_token(claims, other)
    assert main(verify(forged)) == 1
    assert "证书无效" in capsys.readouterr().out


def test_expired_certificate_exits_1(home, capsys):
    assert main(verify(issued_token(home, issued=date(2024, 1, 1)), "--json")) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "expired"


def test_expiring_certificate_is_still_valid(home, capsys):
    assert main(verify(issued_token(home, issued=date(2025, 3, 20)), "--json")) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "expiring"


def test_image_without_a_qr_is_refused(home, tmp_path, capsys):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (100, 100), "white").save(blank)
    ensure_signing_key(home)
    assert main(verify(str(blank))) == 1
    assert "no QR code" in capsys.readouterr().out


def test_explicit_public_key_file(home, tmp_path):
    token = issued_token(home)
    key = tmp_path / "elsewhere.pem"
    key.write_bytes((home / PUBLIC_KEY_FILE).read_bytes())
    (home / PUBLIC_KEY_FILE).unlink()
    (home / SIGNING_KEY_FILE).unlink()
    assert main(verify(token, "--public-key", str(key))) == 0


@pytest.mark.parametrize(
    "args",
    [
        ["certs", "verify"],
        ["certs", "verify", "abc", "--today", "tomorrow"],
        ["certs", "verify", "missing.png"],
        ["certs"],
    ],
)
def test_usage_errors_exit_2(home, args):
    ensure_signing_key(home)
    assert main(args) == 2


def test_missing_public_key_is_a_usage_error(home, capsys):
    assert main(verify("AAAA")) == 2
    assert "no public key" in capsys.readouterr().err


def test_keygen_makes_the_pair_once(tmp_path, capsys):
    out = tmp_path / "keys"
    assert main(["certs", "keygen", "--out", str(out)]) == 0
    first = (out / SIGNING_KEY_FILE).read_bytes()
    assert main(["certs", "keygen", "--out", str(out)]) == 0
    assert (out / SIGNING_KEY_FILE).read_bytes() == first
    assert "kept the existing key" in capsys.readouterr().out
