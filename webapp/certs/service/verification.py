"""Verifying a scanned QR token and what the public verify page may show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank.certificates import (
    InvalidToken,
    mask_name,
    token_from_text,
    verify_token,
)
from webapp.certs.models import Certificate
from webapp.certs.service.keys import signing_key
from webapp.certs.service.live import CertificateNotFound, Live
from webapp.infra.errors import ApiError
from webapp.org.models import Organisation


class TokenRefused(ApiError):
    """A token that is not one this server signed (tampered, forged, malformed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(400, "invalid_token", f"此二维码不是有效的合格证：{reason}")


def find_by_token(s: Session, text: str) -> Certificate:
    """The certificate a scanned token (or verify URL) names. TokenRefused (400) when the signature does
    not hold, CertificateNotFound (404) when it holds but no such certificate was issued here."""
    try:
        claims = verify_token(token_from_text(text), signing_key().public_key())
    except InvalidToken as e:
        raise TokenRefused(str(e)) from None
    cert = s.scalar(select(Certificate).where(Certificate.serial == claims.serial))
    if cert is None or cert.token != token_from_text(text).strip():
        raise CertificateNotFound("签名有效，但本系统没有这张合格证的记录。")
    return cert


def public_json(s: Session, live: Live) -> dict[str, Any]:
    """What anyone may see: DESIGN §5 `{status, holder (masked), post, expires}` and the page's details.
    Never the full name, never the ID number."""
    cert = live.cert
    return {
        "status": live.status,
        "status_name": live.status_name,
        "reason": live.reason,
        "holder": mask_name(cert.person.name),
        "post": cert.post.code,
        "post_name": cert.post.name,
        "serial": cert.serial,
        "kind": cert.kind,
        "issued": cert.issued_on.isoformat(),
        "expires": cert.expires_on.isoformat(),
        "organisation": s.get(Organisation, cert.organisation_id).name,
    }
