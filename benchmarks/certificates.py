"""Certificate issue and verify throughput, against the floor: bare Ed25519 sign and verify.

issue  = sign the compact token + render the QR PNG + render the one-page PDF (embedded CJK font);
         also timed apart: token only, QR only, PDF only.
verify = parse a verify URL + check the token (what `quizbank certs verify URL` and the public
         verify page do before the database lookup).
standing = the rules over a typical two-year history (what the verify page adds for the live status).
Prints ONE JSON line of operations per second (single process, one core).

    .venv/bin/python benchmarks/certificates.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from quizbank.certificates import (
    certificate_pdf,
    find_cjk_font,
    generate_key,
    issue_certificate,
    load_private_key,
    load_public_key,
    load_template,
    qr_png,
    sign_token,
    token_from_text,
    verify_token,
    verify_url,
)
from quizbank.rules import CertificateIssued, ExamTaken, Policy, TrainingCompleted, standing

BASE = "https://quizbank.example.cn"


def rate(fn, seconds: float) -> float:
    """Calls per second of `fn(i)`, after a short warm-up."""
    for i in range(3):
        fn(i)
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn(n)
        n += 1
    return round(n / elapsed, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    private_pem, public_pem = generate_key()
    private, public = load_private_key(private_pem), load_public_key(public_pem)
    template = load_template("qualification")
    font = find_cjk_font()

    def cert(i: int):
        return issue_certificate(
            i,
            holder="张三丰",
            post_code="low-voltage-electrician",
            post_name="低压电工",
            organisation="示范化工有限公司",
            issued=date(2026, 1, 9),
            template=template,
        )

    def issue(i: int) -> bytes:
        c = cert(i)
        url = verify_url(BASE, sign_token(c.claims(), private))
        qr_png(url)
        return certificate_pdf(c, template, url, font)

    sample = cert(1)
    token = sign_token(sample.claims(), private)
    url = verify_url(BASE, token)
    bare_key = Ed25519PrivateKey.generate()
    bare_sig = bare_key.sign(b"x" * 60)
    bare_pub = bare_key.public_key()

    history = [
        TrainingCompleted(date(2024, 1, 2), "factory", 8, "s1"),
        TrainingCompleted(date(2024, 1, 3), "workshop", 8, "s2", "low-voltage-electrician"),
        TrainingCompleted(date(2024, 1, 4), "team", 8, "s3", "low-voltage-electrician"),
        ExamTaken(date(2024, 1, 5), "qualification", score=90, post="low-voltage-electrician"),
        *(
            TrainingCompleted(date(2024, 1, 5) + timedelta(days=60 * k), "periodic", 4, f"p{k}")
            for k in range(1, 12)
        ),
        *(ExamTaken(date(2024, 2, 1) + timedelta(days=45 * k), "spot", score=88) for k in range(15)),
        CertificateIssued(date(2026, 1, 9), sample.serial, sample.expires, "low-voltage-electrician"),
    ]

    figures = {
        "benchmark": "certificates",
        "issue_per_s": rate(issue, args.seconds),
        "sign_token_per_s": rate(lambda i: sign_token(cert(i).claims(), private), args.seconds),
        "qr_png_per_s": rate(lambda i: qr_png(url), args.seconds),
        "pdf_per_s": rate(lambda i: certificate_pdf(sample, template, url, font), args.seconds),
        "verify_per_s": rate(lambda i: verify_token(token_from_text(url), public), args.seconds),
        "standing_per_s": rate(
            lambda i: standing(history, Policy(), date(2026, 6, 1), post="low-voltage-electrician"),
            args.seconds,
        ),
        "floor_ed25519_sign_per_s": rate(lambda i: bare_key.sign(b"x" * 60), args.seconds),
        "floor_ed25519_verify_per_s": rate(lambda i: bare_pub.verify(bare_sig, b"x" * 60), args.seconds),
        "token_chars": len(token),
        "url_chars": len(url),
        "pdf_bytes": len(issue(2)),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
