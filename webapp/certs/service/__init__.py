"""Certificates (合格证) in the shell: the signing key, issuing on a passed exam, the live status from the
rules, suspension/revocation, verification of a QR token, and external 特种作业操作证 on file.

Facts are events (`certificate_issued`, `certificate_suspended`, `certificate_revoked`,
`certificate_reinstated`, `special_certificate_recorded`), appended through
`webapp.standing.service.record_event`; the `certificates` and `special_certificates` tables index them for
lookup and listing. The status shown is always recomputed from the events by the core. Nothing here commits.

keys (the signing key and verify URLs), issuing (serials, issue), changes (suspend/revoke/reinstate), live (the live
status and lists), verification (a scanned token), printable (the PDF), special (特种作业操作证).
"""

from __future__ import annotations

from webapp.certs.service.changes import CHANGES, change
from webapp.certs.service.issuing import (
    ISSUING_KINDS,
    issue,
    next_serial_number,
    on_exam_passed,
    template_for,
)
from webapp.certs.service.keys import (
    DEFAULT_BASE_URL,
    KEY_EXTENSION,
    base_url,
    init_app,
    public_key_pem,
    signing_key,
    url_of,
)
from webapp.certs.service.live import (
    CERTIFICATE_EVENT_KINDS,
    STATUS_TONES,
    WITHIN_CHOICES,
    CertificateNotFound,
    Live,
    certificates_json,
    certificates_of,
    history_of,
    latest_per_person_post,
    list_live,
    live_many,
    live_status,
)
from webapp.certs.service.printable import core_certificate, pdf_of
from webapp.certs.service.special import (
    SPECIAL_KINDS,
    SpecialDue,
    add_years,
    record_special,
    special_json,
    special_status,
    specials_due,
    specials_of,
    terms_note,
)
from webapp.certs.service.verification import TokenRefused, find_by_token, public_json

__all__ = [
    "CERTIFICATE_EVENT_KINDS",
    "CHANGES",
    "CertificateNotFound",
    "DEFAULT_BASE_URL",
    "ISSUING_KINDS",
    "KEY_EXTENSION",
    "Live",
    "SPECIAL_KINDS",
    "STATUS_TONES",
    "SpecialDue",
    "TokenRefused",
    "WITHIN_CHOICES",
    "add_years",
    "base_url",
    "certificates_json",
    "certificates_of",
    "change",
    "core_certificate",
    "find_by_token",
    "history_of",
    "init_app",
    "issue",
    "latest_per_person_post",
    "list_live",
    "live_many",
    "live_status",
    "next_serial_number",
    "on_exam_passed",
    "pdf_of",
    "public_json",
    "public_key_pem",
    "record_special",
    "signing_key",
    "special_json",
    "special_status",
    "specials_due",
    "specials_of",
    "terms_note",
    "template_for",
    "url_of",
]
