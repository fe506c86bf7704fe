"""The signing key page shows the fingerprint of the instance's public key and links to the certificates
area's PEM download (the same key the certificate tokens are verified with)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from tests.webapp.admin_builders import admin_world


def test_the_fingerprint_is_that_of_the_public_key_in_the_instance_folder(app, db, client):
    admin_world(db)
    client.sign_in("admin1")
    page = client.get("/admin/signing-key").get_data(as_text=True)
    pem = (Path(app.instance_path) / "signing_key.pub.pem").read_bytes()
    raw = serialization.load_pem_public_key(pem).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    digest = hashlib.sha256(raw).hexdigest().upper()
    expected = ":".join(digest[i : i + 2] for i in range(0, 64, 2))
    assert f'id="fingerprint">{expected}<' in page
    assert 'href="/api/v1/certificates/public-key"' in page
    assert client.get("/api/v1/certificates/public-key").data == pem
