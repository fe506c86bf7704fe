"""Suspending, revoking and reinstating a certificate: an event naming who did it and why."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from quizbank import rules
from webapp.certs.models import Certificate
from webapp.certs.service.live import _manually_suspended, live_status
from webapp.infra.errors import ApiError
from webapp.org.models import User
from webapp.standing.service import record_event

CHANGES = {
    "suspend": (rules.CertificateSuspended, "暂停"),
    "revoke": (rules.CertificateRevoked, "吊销"),
    "reinstate": (rules.CertificateReinstated, "恢复"),
}


def change(s: Session, cert: Certificate, action: str, reason: str, user: User, on: date) -> None:
    """Suspend, revoke or reinstate `cert` with a reason, as `user`: an event naming them."""
    if action not in CHANGES:
        raise ApiError(400, "bad_action", f"未知操作 {action!r}")
    cls, name = CHANGES[action]
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApiError(400, "reason_required", f"{name}合格证必须填写原因。")
    if len(reason) > 200:
        raise ApiError(400, "reason_too_long", "原因不超过 200 字。")
    live = live_status(s, cert, on)
    if live.status == "revoked":
        raise ApiError(409, "revoked", "合格证已吊销，不能再更改。")
    if action == "reinstate" and not _manually_suspended(s, cert):
        raise ApiError(409, "not_suspended", "这张合格证没有被人工暂停，无需恢复。")
    event = cls(on=on, serial=cert.serial, reason=reason, by=user.display_name, post=cert.post.code)
    record_event(s, cert.person, event, recorded_by=user.id)
