"""Hashing and checking passwords and PINs (scrypt; PINs at a cheaper but salted cost)."""

from __future__ import annotations

import secrets

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

HASH_METHOD = "scrypt"  # werkzeug's default cost: N=2**15, r=8, p=1 (~0.1 s)
PIN_HASH_METHOD = "scrypt:4096:8:1"  # N=2**12 (~10 ms): salted, 8× cheaper than a password


# --- passwords and PINs ----------------------------------------------------------------------------------


def _method(config_key: str, default: str) -> str:
    return current_app.config.get(config_key, default) if has_app_context() else default


def hash_secret(secret: str) -> str:
    """A password's hash (full cost)."""
    return generate_password_hash(secret, method=_method("PASSWORD_HASH_METHOD", HASH_METHOD))


def hash_pin(pin: str) -> str:
    """A PIN's hash (cheaper KDF, still salted; PIN_HASH_METHOD in the config overrides)."""
    return generate_password_hash(pin, method=_method("PIN_HASH_METHOD", PIN_HASH_METHOD))


_DUMMY_HASHES: dict[str, str] = {}


def check_secret(hash_: str | None, secret: str, *, pin: bool = False) -> bool:
    """Does `secret` match `hash_` (any werkzeug method: full-cost or PIN-cost)? Constant work whether or
    not the account exists (no timing oracle on usernames): a missing hash is checked against a dummy of
    the same kind (`pin=True` for PINs)."""
    if not hash_:
        kind = "pin" if pin else "password"
        if kind not in _DUMMY_HASHES:
            _DUMMY_HASHES[kind] = (hash_pin if pin else hash_secret)(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASHES[kind], secret)
        return False
    return check_password_hash(hash_, secret)
