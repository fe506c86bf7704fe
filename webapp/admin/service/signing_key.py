"""What the admin is shown of the instance's certificate signing key: its public half and fingerprint.
The key itself is made and served by the certificates area (`webapp.certs.service`,
route `certs.public_key`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization

from quizbank.certificates.tokens import key_id
from webapp.certs.service.keys import (
    signing_key,
)  # the module itself: certs.service imports admin (via exams) while loading


@dataclass(frozen=True)
class KeyInfo:
    fingerprint: str  # SHA-256 of the raw 32-byte public key, colon-separated hex
    key_id: int  # the byte tokens carry to name their key
    public_pem: str


def fingerprint(raw: bytes) -> str:
    digest = hashlib.sha256(raw).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def key_info() -> KeyInfo:
    public = signing_key().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return KeyInfo(fingerprint=fingerprint(raw), key_id=key_id(public), public_pem=pem.decode())
