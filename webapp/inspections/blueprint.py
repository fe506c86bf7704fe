"""The inspections blueprint and what its pages and JSON API share: who may run and read inspections, and
the lookups scoped to the signed-in inspector.

One blueprint, two URL spaces: pages under /inspections (webapp.inspections.routes), JSON under /api/v1
(webapp.inspections.api; errors there are JSON)."""

from __future__ import annotations

import secrets

from flask import Blueprint, g
from flask import session as cookie
from flask_login import current_user

from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.infra.security import get_owned
from webapp.infra.security.lean import KIOSK_KEY
from webapp.inspections import kiosk
from webapp.inspections import service as service
from webapp.inspections.models import Inspection, KioskLock
from webapp.org.models import Person

bp = Blueprint("inspections", __name__)

RUN = ("inspector", "admin")  # open inspections, spot-test, record 三违, close
READ = ("inspector", "trainer", "admin")  # read inspections and their reports
STANDING_READERS = ("inspector", "trainer", "hr", "admin")


def inspection_of(inspection_id: int) -> Inspection:
    return get_owned(Inspection, inspection_id)


def runnable(inspection_id: int) -> Inspection:
    """The inspection, for its own inspector (an admin may act too); others of the scope only read it."""
    inspection = inspection_of(inspection_id)
    if inspection.inspector_id != current_user.id and not current_user.has_role("admin"):
        raise ApiError(403, "not_your_inspection", "只有发起本次检查的检查人员可以操作。")
    return inspection


def person_in(inspection: Inspection, person_id) -> Person:
    if not isinstance(person_id, int) or isinstance(person_id, bool):
        try:
            person_id = int(person_id)
        except (TypeError, ValueError):
            raise ApiError(400, "bad_request", "person_id 必须是整数") from None
    person = session.get(Person, person_id)
    if person is None or person.organisation_id != inspection.organisation_id:
        raise ApiError(404, "not_found", "没有找到该人员")
    return person


def kiosk_session_key() -> str | None:
    """The signed-in session's kiosk key (made on first use; a sign-in starts a fresh session); None for a
    bearer token, which has no session to put in kiosk state."""
    if g.get("auth_by_token", False):
        return None
    key = cookie.get(KIOSK_KEY)
    if not key:
        key = cookie[KIOSK_KEY] = secrets.token_urlsafe(24)
    return key


def current_lock() -> KioskLock | None:
    """The kiosk state of the signed-in session, if it is in one (a bearer token never is)."""
    if "kiosk_lock" not in g:
        lock = None
        key = cookie.get(KIOSK_KEY)  # first: without one no user is loaded (a public page stays cheap)
        if key and current_user.is_authenticated and not g.get("auth_by_token", False):
            lock = kiosk.active_lock(session, current_user.id, key)
        g.kiosk_lock = lock
    return g.kiosk_lock
