"""Voiding a spot test that was abandoned or started by mistake, with a reason in the enterprise's audit trail.
Nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from webapp.admin.models import AuditEntry
from webapp.exams.models import Attempt
from webapp.infra.errors import ApiError
from webapp.inspections.models import Inspection
from webapp.inspections.service import VOID_ACTION, VOIDED, InspectionClosed
from webapp.org.models import User


def void_spot_test(
    s: Session, inspection: Inspection, attempt: Attempt, *, reason: str, by: User, now: datetime
) -> None:
    """Void a spot test that was abandoned or started by mistake (not yet handed in): it is closed without a
    result, appends nothing to the worker's standing, and the reason goes to the enterprise's audit trail."""
    if not inspection.is_open:
        raise InspectionClosed()
    if attempt.inspection_id != inspection.id or attempt.kind not in ("spot", VOIDED):
        raise ApiError(404, "not_found", "没有找到这次抽考")
    reason = (reason or "").strip()
    if not reason:
        raise ApiError(400, "reason_required", "请填写作废原因（例如：作业人员中途离开、抽错了人）。")
    s.refresh(attempt, with_for_update=True)  # a submit at the same moment either wins or waits
    if attempt.kind == VOIDED:
        return
    if attempt.is_submitted:
        raise ApiError(409, "already_submitted", "该抽考已交卷，成绩已记入，不能作废。")
    attempt.kind = VOIDED
    attempt.submitted_at = now
    attempt.submitted_by = f"void:{by.id}"
    attempt.score = attempt.max_score = attempt.passed = None
    s.add(
        AuditEntry(
            organisation_id=inspection.organisation_id,
            user_id=by.id,
            at=now,
            action=VOID_ACTION,
            target=f"attempt:{attempt.id}",
            data={
                "inspection_id": inspection.id,
                "person": f"{attempt.person.name}（{attempt.person.employee_no}）",
                "post": attempt.post.code,
                "reason": reason[:500],
            },
        )
    )
    s.flush()
