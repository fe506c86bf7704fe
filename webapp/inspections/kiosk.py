"""Kiosk state of a signed-in session, kept on the server: an inspector hands the tablet to a worker for a
spot test; until the inspector signs in again on the tablet, the session may reach only the worker's PIN
page, their paper (answers and submit through the attempt API) and the result.

`start_spot_test` is the one way a spot test starts, from the pages (开始抽考, then the worker's PIN) and from
the JSON API (one call with the PIN) alike: either way the session that started it ends up locked to it.

Use cases only (no Flask request objects): the pages and the guard that applies them are in
webapp.inspections.kiosk_routes. Nothing here commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.exams.models import Attempt
from webapp.infra.errors import ApiError
from webapp.infra.security import (
    Throttled,
    check_secret,
    check_throttle,
    clear_failures,
    record_failure,
    throttle_keys,
)
from webapp.inspections import service
from webapp.inspections.models import Inspection, KioskLock
from webapp.org.models import Person, User

# What a session in kiosk state may still reach, by endpoint, and which view argument must name the
# lock's own inspection, person or attempt. Anything else is refused (a page GET is sent back to the kiosk).
WORKER_PAGES = {
    "inspections.spot_test_page": {"inspection_id": "inspection_id", "person_id": "person_id"},
    "inspections.kiosk": {"inspection_id": "inspection_id", "attempt_id": "attempt_id"},
    "inspections.kiosk_result": {"inspection_id": "inspection_id", "attempt_id": "attempt_id"},
    "api.attempt": {"attempt_id": "attempt_id"},
    "api.attempt_response": {"attempt_id": "attempt_id"},
    "api.attempt_submit": {"attempt_id": "attempt_id"},
    "inspections.kiosk_end": {},
    "inspections.api_kiosk_end": {},
    "api.csrf_token": {},
    "static": {},
    "home.favicon": {},
}

KIOSK_LOCKED = (
    "平板正由作业人员答题（抽考中）：检查人员的页面和操作已锁定，请检查人员点击“交还检查人员”并验证身份。"
)


def active_lock(s: Session, user_id: int, session_key: str | None) -> KioskLock | None:
    if not session_key:
        return None
    return s.scalar(
        select(KioskLock)
        .where(
            KioskLock.user_id == user_id,
            KioskLock.session_key == session_key,
            KioskLock.ended_at.is_(None),
        )
        .order_by(KioskLock.id.desc())
    )


def allows(lock: KioskLock, endpoint: str | None, view_args: dict | None) -> bool:
    """May a session in kiosk state `lock` reach this endpoint with these arguments?"""
    rule = WORKER_PAGES.get(endpoint or "")
    if rule is None:
        return False
    args = view_args or {}
    for arg, field in rule.items():
        if args.get(arg) is None or args.get(arg) != getattr(lock, field):
            return False
    return True


def hand_over(
    s: Session,
    inspection: Inspection,
    person: Person,
    *,
    post_code: str | None,
    inspector: User,
    session_key: str,
    now: datetime,
) -> KioskLock:
    """开始抽考: the inspector hands the tablet to `person` for a spot test on `post_code` (their first post
    when None): the session is locked. Refused when the inspection is closed, the post is not theirs, or
    another post's test of theirs is running."""
    if not inspection.is_open:
        raise service.InspectionClosed()
    post = service.spot_post(s, person, post_code)
    service.refuse_second_running_test(s, inspection, person, post, now)
    lock = KioskLock(
        organisation_id=inspection.organisation_id,
        user_id=inspector.id,
        session_key=session_key,
        inspection_id=inspection.id,
        person_id=person.id,
        post_code=post.code,
        started_at=now,
    )
    s.add(lock)
    s.flush()
    return lock


def start_spot_test(
    s: Session,
    inspection: Inspection,
    person: Person,
    *,
    pin: str,
    post_code: str | None,
    inspector: User,
    session_key: str | None,
    now: datetime,
) -> Attempt:
    """The worker confirms with their PIN: their spot paper is drawn (or the one they are sitting resumed)
    and the session's kiosk lock serves it. On the pages the session was locked at 开始抽考 and the lock's
    post is the one tested; the API's single call locks the session here, exactly as 开始抽考 would, once
    the PIN is right (a wrong PIN leaves no lock behind, only the throttle's count). A bearer token
    (`session_key` None) has no session to lock."""
    lock = active_lock(s, inspector.id, session_key)
    if lock is not None:
        if (lock.inspection_id, lock.person_id) != (inspection.id, person.id) or lock.attempt_id is not None:
            raise ApiError(403, "kiosk_locked", KIOSK_LOCKED)
        post_code = lock.post_code
    attempt = service.draw_spot_test(
        s, inspection, person, pin=pin, post_code=post_code, inspector=inspector, now=now
    )
    if lock is None and session_key:
        lock = hand_over(
            s, inspection, person, post_code=attempt.post.code, inspector=inspector, session_key=session_key,
            now=now,
        )  # fmt: skip
    if lock is not None:
        attach_attempt(lock, attempt)
    return attempt


def attach_attempt(lock: KioskLock, attempt: Attempt) -> None:
    """The worker confirmed with their PIN: the kiosk now serves this paper (and only this one)."""
    lock.attempt_id = attempt.id


def end(s: Session, lock: KioskLock, inspector: User, secret: str, now: datetime) -> None:
    """The inspector takes the tablet back by entering their password (or the PIN of their own person
    record). Failures count in the sign-in throttle for the inspector's account."""
    keys = throttle_keys("kiosk", str(inspector.id))
    try:
        check_throttle(keys)
    except Throttled as e:
        raise ApiError(
            429, "throttled", e.message.replace("登录", "验证"), retry_after=e.retry_after
        ) from None
    secret = str(secret or "")
    person = inspector.person
    ok = bool(secret) and (
        check_secret(inspector.password_hash, secret)
        or (person is not None and check_secret(person.pin_hash, secret, pin=True))
    )
    if not ok:
        record_failure(keys)
        raise ApiError(403, "wrong_secret", "密码或 PIN 码不正确：只有检查人员本人可以收回平板。")
    clear_failures(keys)
    lock.ended_at = now
    s.flush()
