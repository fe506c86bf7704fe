"""Kiosk pages and the guard that keeps a session in kiosk state to the worker's spot test.

The inspector hands the tablet over (POST …/hand-over): the session is locked on the server
(webapp.inspections.kiosk). From then on every request of that session — a page reached with the Back button,
a typed URL, an API call — is refused (a page GET is sent back to the kiosk), except the worker's PIN page,
paper, answers, submit and result, until the inspector signs in again on the hand-back page."""

from __future__ import annotations

from flask import has_request_context, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError, wants_json
from webapp.infra.security import require_role
from webapp.inspections import kiosk
from webapp.inspections import service as service
from webapp.inspections.blueprint import RUN, bp, current_lock, kiosk_session_key, person_in, runnable
from webapp.inspections.models import KioskLock


def kiosk_home(lock: KioskLock) -> str:
    """Where the kiosk is now: the worker's paper once drawn, else their PIN page."""
    if lock.attempt_id is not None:
        return url_for("inspections.kiosk", inspection_id=lock.inspection_id, attempt_id=lock.attempt_id)
    return url_for(
        "inspections.spot_test_page",
        inspection_id=lock.inspection_id,
        person_id=lock.person_id,
        post=lock.post_code,
    )


@bp.before_app_request
def _kiosk_guard():
    if request.endpoint is None or request.endpoint == "static":
        return None
    lock = current_lock()
    if lock is None or kiosk.allows(lock, request.endpoint, request.view_args):
        return None
    if request.method in ("GET", "HEAD") and not wants_json():
        return redirect(kiosk_home(lock))
    raise ApiError(403, "kiosk_locked", kiosk.KIOSK_LOCKED)


@bp.app_context_processor
def _kiosk_flag():
    return {"kiosk_locked": has_request_context() and current_lock() is not None}


@bp.post("/inspections/<int:inspection_id>/people/<int:person_id>/hand-over")
@require_role(*RUN)
def hand_over(inspection_id: int, person_id: int):
    """开始抽考: the inspector hands the tablet to the worker; the session enters kiosk state."""
    inspection = runnable(inspection_id)
    worker = person_in(inspection, person_id)
    key = kiosk_session_key()
    if key is None:
        raise ApiError(
            403, "no_session", "开始抽考须在平板的浏览器中操作：访问令牌没有可交给作业人员的会话。"
        )
    lock = kiosk.hand_over(
        session, inspection, worker, post_code=request.form.get("post") or None, inspector=current_user,
        session_key=key, now=clock.now(),
    )  # fmt: skip
    return redirect(kiosk_home(lock))


@bp.route("/inspections/kiosk/hand-back", methods=["GET", "POST"])
@require_role(*RUN)
def kiosk_end():
    """交还检查人员: the inspector enters their password (or PIN) on the tablet to leave kiosk state."""
    lock = current_lock()
    if lock is None:
        return redirect(url_for("inspections.index"))
    error = None
    if request.method == "POST":
        try:
            kiosk.end(session, lock, current_user, request.form.get("secret", ""), clock.now())
        except ApiError as e:
            if e.code not in (403, 429):
                raise
            error = e.description
        else:
            return redirect(
                url_for("inspections.person", inspection_id=lock.inspection_id, person_id=lock.person_id)
            )
    return render_template("inspections/hand_back.html", lock=lock, back=kiosk_home(lock), error=error), (
        200 if error is None else 403
    )
