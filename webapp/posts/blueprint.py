"""The posts blueprint and what its pages and JSON API share: who may manage posts, reading a post's fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint

from webapp.posts.service import PostInput

bp = Blueprint("posts", __name__)

MANAGERS = ("trainer", "admin")


def post_input(data: Mapping[str, Any], *, departments: list[Any] | None = None) -> PostInput:
    """PostInput from a form or a JSON body; department ids that are not numbers are refused by the service
    as unknown (-1)."""
    ids = []
    for raw in departments if departments is not None else []:
        text = str(raw).strip()
        ids.append(int(text) if text.isdigit() else -1)
    return PostInput(
        code=str(data.get("code") or ""),
        name=str(data.get("name") or ""),
        risk=str(data.get("risk") or "normal"),
        certificate=str(data.get("certificate") or ""),
        certificate_kind=str(data.get("certificate_kind") or ""),
        department_ids=tuple(ids),
    )
