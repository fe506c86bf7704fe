"""Which blueprint an exam kind falls back to for a post when the organisation saved none: the one the
post's question set brings (its blueprints.yaml, e.g. the 100-question 考核 of the 三项岗位), else the
core default. The registry is the one `startup.prepare` loaded; without it, the installed entry points."""

from __future__ import annotations

import functools

from quizbank.model import Blueprint
from quizbank.plugins import Registry, discover

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
