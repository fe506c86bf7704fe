"""Compact signed certificate tokens for QR codes (Ed25519), keys, and masking personal data.

A token is base64url (no padding) of a small binary payload followed by its 64-byte Ed25519
signature. The payload holds what an offline check needs and nothing personal beyond a masked
name: version, key id, issue date, validity, serial, post code, masked holder. No ID number ever.

    version u8 | key id u8 | issued u16 (days since 2000-01-01) | valid u16 (days) |
    serial year u8 (since 2000) | serial number uvarint | post len u8 + ASCII | holder len u8 + UTF-8
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

TOKEN_VERSION = 1
EPOCH = date(2000, 1, 1)
SIGNATURE_SIZE = 64
_DOMAIN = b"quizbank-certificate\x00"  # signed with the payload, never sent: a token means one thing

SIGNING_KEY_FILE = "signing_key.pem"
PUBLIC_KEY_FILE = "signing_key.pub.pem"

SERIAL_PREFIX = "QB"
_SERIAL = re.compile(rf"^{SERIAL_PREFIX}-(\d{{4}})-(\d{{6,}})$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
_POST_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class InvalidToken(ValueError):
    """The token is not a certificate this key signed; `str()` says why in plain words."""


@dataclass(frozen=True)
class Claims:
    """What a certificate token says. `holder` is already masked."""

    serial: str
    post: str
    holder: str
    issued: date
    expires: date
    key_id: int = 0


# --- serials and masking ---------------------------------------------------------------------


def make_serial(number: int, year: int) -> str:
    """``QB-2026-000123`` from a number the caller allocates (a database sequence)."""
    if number < 0 or not 2000 <= year <= 2255:
        raise ValueError(f"serial: number {number} / year {year} out of range")
    return f"{SERIAL_PREFIX}-{year:04d}-{number:06d}"


def parse_serial(serial: str) -> tuple[int, int]:
    """(year, number) of a serial made by `make_serial`; ValueError otherwise."""
    m = _SERIAL.match(serial)
    if not m:
        raise ValueError(f"serial {serial!r} is not of the form {SERIAL_PREFIX}-YYYY-NNNNNN")
    return int(m.group(1)), int(m.group(2))


def mask_name(name: str) -> str:
    """Hide all but the first and last character: 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜, 张三 → 张*, 张 → *."""
    name = "".join(name.split())
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- keys ------------------------------------------------------------------------------------


def generate_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as (private PEM, public PEM)."""
    key = Ed25519PrivateKey.generate()
    return private_pem(key), public_pem(key.public_key())


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(pem: bytes | str | Ed25519PrivateKey) -> Ed25519PrivateKey:
    if isinstance(pem, Ed25519PrivateKey):
        return pem
    key = serialization.load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("signing key: not an Ed25519 private key")
    return key


def load_public_key(pem: bytes | str | Ed25519PublicKey | Ed25519PrivateKey) -> Ed25519PublicKey:
    """A public key from its PEM, or the public half of a private key (PEM or object)."""
    if isinstance(pem, Ed25519PublicKey):
        return pem
    if isinstance(pem, Ed25519PrivateKey):
        return pem.public_key()
    data = pem.encode() if isinstance(pem, str) else pem
    if b"PRIVATE KEY" in data:
        return load_private_key(data).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("public key: not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey | Ed25519PrivateKey) -> int:
    """One byte naming the key, so a token signed by another key is told apart from a forgery."""
    public = load_public_key(key)
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[0]


def ensure_signing_key(folder: Path | str) -> Ed25519PrivateKey:
    """The instance's signing key, made on first use: `signing_key.pem` (mode 600) and its public
    half `signing_key.pub.pem`. Safe when several processes start at once: the first one wins."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SIGNING_KEY_FILE
    if not path.exists():
        private, _ = generate_key()
        tmp = folder / f".{SIGNING_KEY_FILE}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(private)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic, and refuses to replace a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = load_private_key(path.read_bytes())
    public_path = folder / PUBLIC_KEY_FILE
    wanted = public_pem(key.public_key())
    if not public_path.exists() or public_path.read_bytes() != wanted:
        tmp = folder / f".{PUBLIC_KEY_FILE}.{os.getpid()}.tmp"
        tmp.write_bytes(wanted)
        os.replace(tmp, public_path)
    return key


# --- tokens ----------------------------------------------------------------------------------


def sign_token(claims: Claims, private_key: Ed25519PrivateKey | bytes | str) -> str:
    """The compact signed token for `claims` (~120 characters for a typical certificate)."""
    key = load_private_key(private_key)
    payload = _encode(claims, key_id(key))
    signature = key.sign(_DOMAIN + payload)
    return base64.urlsafe_b64encode(payload + signature).rstrip(b"=").decode("ascii")


def verify_token(token: str, public_key: Ed25519PublicKey | Ed25519PrivateKey | bytes | str) -> Claims:
    """The claims of a token this key signed; InvalidToken saying why otherwise. Expiry is not
    judged here (that needs today's date): compare `claims.expires` yourself."""
    key = load_public_key(public_key)
    token = token.strip()
    if not token or not _TOKEN.match(token):
        raise InvalidToken("格式错误：不是合格证令牌 (bad format: not a certificate token)")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken("格式错误：无法解码 (bad format: cannot decode)") from None
    # Reject non-canonical spellings: a changed last character must not decode to the same bytes.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        raise InvalidToken("格式错误：编码不规范 (bad format: non-canonical encoding)")
    if len(raw) <= SIGNATURE_SIZE + 8:
        raise InvalidToken("格式错误：长度不足 (bad format: too short)")
    payload, signature = raw[:-SIGNATURE_SIZE], raw[-SIGNATURE_SIZE:]
    if payload[0] != TOKEN_VERSION:
        raise InvalidToken(f"格式错误：未知版本 {payload[0]} (bad format: unknown version)")
    if payload[1] != key_id(key):
        raise InvalidToken("签名不符：由其他密钥签发 (signature mismatch: signed by another key)")
    try:
        key.verify(signature, _DOMAIN + payload)
    except InvalidSignature:
        raise InvalidToken("签名不符：令牌被篡改或伪造 (signature mismatch: tampered or forged)") from None
    try:
        return _decode(payload)
    except (ValueError, IndexError, struct.error, UnicodeDecodeError) as e:
        raise InvalidToken(f"格式错误：{e} (bad format)") from None


def token_from_text(text: str) -> str:
    """The token in a verify URL (``…/verify/<token>`` or ``?t=<token>``) or a bare token."""
    text = text.strip()
    if "://" not in text and "/" not in text and "?" not in text:
        return text
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    for name in ("t", "token"):
        if query.get(name):
            return query[name][0]
    segments = [s for s in parts.path.split("/") if s]
    # The segment after the last "verify": a base URL may itself hold one (…/verify/verify/<token>).
    if "verify" in segments[:-1]:
        return segments[len(segments) - 1 - segments[::-1].index("verify") + 1]
    if segments:
        return segments[-1]
    raise InvalidToken("格式错误：网址中没有令牌 (bad format: no token in the URL)")


def verify_url(base_url: str, token: str) -> str:
    """The public verify page for a token: ``<base>/verify/<token>``."""
    return f"{base_url.rstrip('/')}/verify/{token}"


def _encode(claims: Claims, kid: int) -> bytes:
    year, number = parse_serial(claims.serial)
    if not _POST_CODE.match(claims.post):
        raise ValueError(f"post code {claims.post!r}: only letters, digits, '-', '_' and '.' fit a token")
    holder = claims.holder.encode("utf-8")
    if len(holder) > 255:
        raise ValueError("holder: too long for a token")
    issued = (claims.issued - EPOCH).days
    valid = (claims.expires - claims.issued).days
    if not 0 <= issued < 2**16 or not 0 <= valid < 2**16:
        raise ValueError("certificate dates out of range for a token")
    post = claims.post.encode("ascii")
    return (
        struct.pack(">BBHHB", TOKEN_VERSION, kid, issued, valid, year - 2000)
        + _uvarint(number)
        + bytes([len(post)])
        + post
        + bytes([len(holder)])
        + holder
    )


def _decode(payload: bytes) -> Claims:
    _, kid, issued, valid, year = struct.unpack(">BBHHB", payload[:7])
    number, at = _read_uvarint(payload, 7)
    post_len = payload[at]
    post = payload[at + 1 : at + 1 + post_len].decode("ascii")
    at += 1 + post_len
    holder_len = payload[at]
    holder = payload[at + 1 : at + 1 + holder_len].decode("utf-8")
    if at + 1 + holder_len != len(payload) or len(post) != post_len:
        raise ValueError("trailing or missing bytes")
    issued_on = EPOCH + timedelta(days=issued)
    return Claims(
        make_serial(number, 2000 + year), post, holder, issued_on, issued_on + timedelta(days=valid), kid
    )


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_uvarint(data: bytes, at: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        byte = data[at]
        at += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, at
        shift += 7
        if shift > 35:
            raise ValueError("serial number too long")
