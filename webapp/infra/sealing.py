"""Secrets at rest (notification channels' webhook URLs, signing secrets, SMTP passwords): each value is
sealed into a Fernet token (AES-128-CBC and HMAC-SHA256) under a key derived from the app's SECRET_KEY, so
a copy of the database alone does not give them away.

The key: HKDF-SHA256 over the UTF-8 bytes of SECRET_KEY, no salt, info ``INFO``, 32 bytes, URL-safe base64
(Fernet's key format). Values are sealed under SECRET_KEY and opened under it or any of
SECRET_KEY_FALLBACKS (Flask's list for rotating the key); a value none of them opens is *unreadable* —
the caller says so in Chinese and asks for it again, it never crashes on it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"quizbank sealed settings v1"
UNREADABLE = "无法解密（应用的 SECRET_KEY 可能已更换），请重新填写"


def fernet_key(secret_key: str | bytes) -> bytes:
    """The Fernet key derived from one SECRET_KEY."""
    material = secret_key.encode() if isinstance(secret_key, str) else bytes(secret_key)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(material)
    return base64.urlsafe_b64encode(derived)


def secret_keys(config: Mapping[str, Any]) -> tuple[str | bytes, ...]:
    """SECRET_KEY first (what seals), then SECRET_KEY_FALLBACKS (what may still open)."""
    return (config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ()))


@lru_cache(maxsize=16)
def _box(keys: tuple[str | bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(fernet_key(k)) for k in keys])


def seal(value: str, keys: Sequence[str | bytes]) -> str:
    return _box(tuple(keys)).encrypt(value.encode()).decode()


def unseal(token: str, keys: Sequence[str | bytes]) -> str | None:
    """The value, or None when no key opens the token (another key, or not a token at all)."""
    try:
        return _box(tuple(keys)).decrypt(str(token).encode()).decode()
    except (InvalidToken, ValueError, TypeError):
        return None


def seal_fields(values: Mapping[str, str], keys: Sequence[str | bytes]) -> dict[str, str]:
    """Every non-empty value sealed (an empty one is left out: nothing to keep)."""
    return {name: seal(str(v), keys) for name, v in values.items() if v}


def open_fields(
    sealed: Mapping[str, str] | None, keys: Sequence[str | bytes]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """The values that open, and the names of those that do not."""
    opened: dict[str, str] = {}
    unreadable: list[str] = []
    for name, token in (sealed or {}).items():
        value = unseal(token, keys)
        if value is None:
            unreadable.append(name)
        else:
            opened[name] = value
    return opened, tuple(unreadable)
