"""The admin blueprint and what its pages share: admin only, and rows of the admin's own organisation only
(rows of any other organisation answer 404)."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from webapp.infra.db import session
from webapp.infra.security import require_role
from webapp.org.models import Organisation

bp = Blueprint("admin", __name__, url_prefix="/admin")


admin_only = require_role("admin")


def own_organisation() -> Organisation:
    org = session.get(Organisation, current_user.organisation_id)
    assert org is not None
    return org


def own_row(model: type, id_: int):
    """A row of the admin's own organisation, else 404 (granted organisations are not administered)."""
    row = session.get(model, id_)
    if row is None or row.organisation_id != current_user.organisation_id:
        abort(404)
    return row
