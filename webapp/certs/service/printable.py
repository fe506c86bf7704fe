"""The printable certificate (PDF) of a certificate row."""

from __future__ import annotations

from sqlalchemy.orm import Session

from quizbank.certificates import (
    Certificate as CoreCertificate,
)
from quizbank.certificates import certificate_pdf
from webapp.certs.models import Certificate
from webapp.certs.service.issuing import template_for
from webapp.certs.service.keys import url_of
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


def pdf_of(s: Session, cert: Certificate) -> bytes:
    font = cjk_font_path()
    return certificate_pdf(core_certificate(s, cert), template_for(cert.kind), url_of(cert), font)
