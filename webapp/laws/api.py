"""The 法规标准库 JSON API (described in webapp.laws.openapi): the register, adding or changing an entry, and
what is 待复核."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from webapp.infra.api import json_body
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.security import require_role
from webapp.laws import service
from webapp.laws.blueprint import STAFF, bp

FIELDS = ("number", "title", "issuer", "status", "effective", "withdrawn", "replaced_by")


@bp.get("/api/v1/laws")
@require_role(*STAFF)
def api_register():
    lines = service.register_lines(session, current_user.organisation_id)
    return jsonify({"entries": [service.entry_json(line) for line in lines]})


@bp.post("/api/v1/laws")
@require_role("trainer", "reviewer", "admin")
def api_save():
    """Add an entry, or with `key` change that entry (e.g. mark it 被替代 with replaced_by)."""
    data = json_body()
    for name in ("key", *FIELDS):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ApiError(400, "bad_field", f"{name} 必须是文字（字符串）")
    key = data.get("key")
    entry = service.save_entry(
        session,
        current_user.organisation_id,
        current_user.id,
        {k: data[k] for k in FIELDS if k in data},
        key=str(key) if key else None,
    )
    line = service.lines_by_key(service.register_lines(session, current_user.organisation_id))[
        service.entry_key(entry.key)
    ]
    return jsonify(service.entry_json(line))


@bp.get("/api/v1/laws/review")
@require_role(*STAFF)
def api_review():
    items = service.flagged(session, current_user.organisation_id)
    return jsonify({"flagged": [service.flag_json(i) for i in items]})
