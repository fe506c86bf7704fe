"""The organisation's signing key (Ed25519, in the instance folder) and the verify URL a QR code carries."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app, has_request_context, request

from quizbank.certificates import (
    ensure_signing_key,
    public_pem,
    verify_url,
)
from webapp.certs.models import Certificate

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
KEY_EXTENSION = "quizbank_signing_key"


def init_app(app: Flask) -> None:
    """Make the instance's key pair on first start (idempotent; several processes may race: the first
    write wins, see `ensure_signing_key`). QUIZBANK_SIGNING_KEY_DIR overrides the folder."""
    folder = (
        app.config.get("SIGNING_KEY_DIR") or os.environ.get("QUIZBANK_SIGNING_KEY_DIR") or app.instance_path
    )
    app.extensions[KEY_EXTENSION] = ensure_signing_key(Path(folder))


def signing_key() -> Ed25519PrivateKey:
    return current_app.extensions[KEY_EXTENSION]


def public_key_pem() -> bytes:
    return public_pem(signing_key().public_key())


def base_url() -> str:
    """Where the verify page lives, for QR codes: QUIZBANK_BASE_URL (config or environment), else this
    request's root, else SERVER_NAME, else http://127.0.0.1:5000."""
    configured = current_app.config.get("QUIZBANK_BASE_URL") or os.environ.get("QUIZBANK_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    if current_app.config.get("SERVER_NAME"):
        scheme = current_app.config.get("PREFERRED_URL_SCHEME", "http")
        return f"{scheme}://{current_app.config['SERVER_NAME']}"
    return DEFAULT_BASE_URL


def url_of(cert: Certificate, base: str | None = None) -> str:
    return verify_url(base or base_url(), cert.token)
