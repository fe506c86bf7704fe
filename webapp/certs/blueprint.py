"""The certificates blueprint and what its pages and JSON API share: who may read, who may change, and the
list filters read from the query string."""

from __future__ import annotations

from flask import (
    Blueprint,
    request,
)

from webapp.certs import service
from webapp.infra.errors import ApiError

bp = Blueprint("certs", __name__)
bp.record_once(lambda state: service.init_app(state.app))

STAFF = ("trainer", "hr", "admin", "inspector")
MANAGERS = ("trainer", "admin")
STATUS_FILTERS = ("valid", "expiring", "suspended", "revoked", "expired")


def within_filter() -> int | None:
    raw = request.args.get("within", "")
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in service.WITHIN_CHOICES:
        raise ApiError(400, "bad_within", "within 只能是 30、60 或 90（天）")
    return int(raw)


def status_filter() -> str | None:
    status = request.args.get("status") or None
    if status is not None and status not in STATUS_FILTERS:
        raise ApiError(400, "bad_status", f"status 只能是 {'、'.join(STATUS_FILTERS)}")
    return status
