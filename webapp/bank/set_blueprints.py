"""Which blueprint an exam kind falls back to for a post when the organisation saved none: the one the
post's question set brings (its blueprints.yaml, e.g. the 100-question 考核 of the 三项岗位), else the
core default; and the 法规标准库 the built-in sets ship. The registry is the one `startup.prepare` loaded; without it, the installed entry points."""

from __future__ import annotations

import functools

from quizbank.model import Blueprint
from quizbank.plugins import Registry, discover
from quizbank.register import LawEntry, entry_key

_loaded: list[Registry] = []


def remember(registry: Registry) -> None:
    """Use the registry the app loaded at start-up (entry points and folders)."""
    _loaded[:] = [registry]


@functools.cache
def _installed() -> Registry:
    return discover()


def builtin_blueprint(post_code: str, kind: str) -> Blueprint:
    registry = _loaded[0] if _loaded else _installed()
    return registry.blueprint(post_code, kind)


def builtin_register() -> tuple[LawEntry, ...]:
    """The 法规标准库 the built-in sets ship (their laws.yaml), first entry per key."""
    registry = _loaded[0] if _loaded else _installed()
    seen: dict[str, LawEntry] = {}
    for qset in registry.sets:
        for entry in qset.register:
            seen.setdefault(entry_key(entry.key), entry)
    return tuple(seen.values())
