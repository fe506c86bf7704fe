"""Certificates: compact Ed25519-signed tokens for QR codes, QR rendering, templates as data and
the printable PDF. The live status of a certificate comes from the rules
(`quizbank.rules.standing` / `certificate_state`), not from here."""

from quizbank.certificates.pdf import (
    FontNotFound,
    PrintedStatus,
    certificate_pdf,
    find_cjk_font,
    register_font,
)
from quizbank.certificates.qr import qr_png, qr_svg
from quizbank.certificates.templates import (
    Certificate,
    Layout,
    Template,
    add_months,
    issue_certificate,
    load_template,
    template_from_dict,
)
from quizbank.certificates.tokens import (
    PUBLIC_KEY_FILE,
    SIGNING_KEY_FILE,
    Claims,
    InvalidToken,
    ensure_signing_key,
    generate_key,
    key_id,
    load_private_key,
    load_public_key,
    make_serial,
    mask_name,
    parse_serial,
    public_pem,
    sign_token,
    token_from_text,
    verify_token,
    verify_url,
)

__all__ = [
    "PUBLIC_KEY_FILE",
    "SIGNING_KEY_FILE",
    "Certificate",
    "Claims",
    "FontNotFound",
    "PrintedStatus",
    "InvalidToken",
    "Layout",
    "Template",
    "add_months",
    "certificate_pdf",
    "ensure_signing_key",
    "find_cjk_font",
    "generate_key",
    "issue_certificate",
    "key_id",
    "load_private_key",
    "load_public_key",
    "load_template",
    "make_serial",
    "mask_name",
    "parse_serial",
    "public_pem",
    "qr_png",
    "qr_svg",
    "register_font",
    "sign_token",
    "template_from_dict",
    "token_from_text",
    "verify_token",
    "verify_url",
]
