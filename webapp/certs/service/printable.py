"""The printable certificate (PDF) of a certificate row."""

from __future__ import annotations

from sqlalchemy.orm import Session

from quizbank.certificates import (
    Certificate as CoreCertificate,
)
from quizbank.certificates import PrintedStatus, certificate_pdf
from webapp.certs.models import Certificate
from webapp.certs.service.issuing import template_for
from webapp.certs.service.keys import url_of
from webapp.certs.service.live import live_status
from webapp.infra import clock
from webapp.infra.fonts import cjk_font_path
from webapp.org.models import Organisation


def core_certificate(s: Session, cert: Certificate) -> CoreCertificate:
    org = s.get(Organisation, cert.organisation_id)
    return CoreCertificate(
        serial=cert.serial,
        holder=cert.person.name,
        post_code=cert.post.code,
        post_name=cert.post.name,
        organisation=org.name,
        issued=cert.issued_on,
        expires=cert.expires_on,
        kind=cert.kind,
    )


# What is stamped across a certificate printed while it is not valid.
STAMPS = {"suspended": "暂停", "revoked": "已吊销", "expired": "已过期"}


def pdf_of(s: Session, cert: Certificate) -> bytes:
    """The printable certificate with its verify URL, stamped with its status when it is not valid today."""
    font = cjk_font_path()
    today = clock.today()
    live = live_status(s, cert, today)
    stamp = (
        PrintedStatus(STAMPS[live.status], live.reason or live.status_name, today)
        if live.status in STAMPS
        else None
    )
    return certificate_pdf(core_certificate(s, cert), template_for(cert.kind), url_of(cert), font, stamp)
