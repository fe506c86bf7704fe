"""Inspection use cases: open, find people, spot tests in kiosk mode, 三违 findings, close, report.

Nothing here commits (the request does). The spot test is the exam area's attempt (kind "spot",
`inspection_id` set, `started_by` the inspector): answered and submitted through the attempt API by the
inspector's session, which appends the `exam_taken` event at submit — so a failed spot test shows in the
worker's standing at once.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import rules
from webapp.admin.models import AuditEntry
from webapp.auth.service import WRONG_PIN
from webapp.exams import service as exam_service
from webapp.exams.models import Attempt
from webapp.infra.errors import ApiError
from webapp.infra.security import (
    Throttled,
    check_secret,
    check_throttle,
    clear_failures,
    pin_key,
    record_failure,
    throttle_keys,
)
from webapp.inspections.models import Finding, Inspection
from webapp.org.models import Department, Person, Post, User
from webapp.org.service import person_by_employee_no
from webapp.standing import service as standing_service

SAMPLE_SHARE = 0.2  # suggest testing a fifth of the department…
SAMPLE_MIN, SAMPLE_MAX = 2, 8  # …but at least two and at most eight people
BADGE_PATH = re.compile(r"/inspections/badge/(\d+)/([^/?#]+)")
VOIDED = "spot_voided"  # a voided spot test's kind: no result, not counted by reports or the standing
VOID_ACTION = "spot_test_voided"  # its entry in the inspected enterprise's audit trail


class InspectionClosed(ApiError):
    def __init__(self) -> None:
        super().__init__(409, "inspection_closed", "本次检查已结束，不能再抽考或记录。")


# --- opening and the department's people ------------------------------------------------------------------


def _audit_if_outside(s: Session, inspection: Inspection, by: User, action: str, target: str, now: datetime,
                      **data) -> None:  # fmt: skip
    """An inspector from outside the enterprise (a regulator's, or one it granted access by name) acting in
    it is recorded in both organisations' audit logs."""
    if by.organisation_id == inspection.organisation_id:
        return
    for org_id in (inspection.organisation_id, by.organisation_id):
        s.add(AuditEntry(
            organisation_id=org_id, user_id=by.id, at=now, action=action, target=target[:200],
            data={"inspection_id": inspection.id, "enterprise_id": inspection.organisation_id, **data},
        ))  # fmt: skip


def open_inspection(
    s: Session, *, department: Department, inspector: User, note: str, now: datetime
) -> Inspection:
    if not department.active:
        raise ApiError(409, "department_inactive", f"部门“{department.name}”已停用，不能再开始检查。")
    inspection = Inspection(
        organisation_id=department.organisation_id,
        department_id=department.id,
        inspector_id=inspector.id,
        note=(note or "").strip()[:2000],
        opened_at=now,
    )
    s.add(inspection)
    s.flush()
    _audit_if_outside(s, inspection, inspector, "outside_inspection_opened", department.name, now)
    return inspection


def department_ids_under(s: Session, department_id: int) -> list[int]:
    """The department and every department below it (its workshops' teams…)."""
    found, frontier = [department_id], [department_id]
    while frontier:
        children = list(s.scalars(select(Department.id).where(Department.parent_id.in_(frontier))))
        children = [c for c in children if c not in found]
        found.extend(children)
        frontier = children
    return found


def department_people(s: Session, inspection: Inspection) -> list[Person]:
    ids = department_ids_under(s, inspection.department_id)
    return list(
        s.scalars(
            select(Person)
            .where(
                Person.organisation_id == inspection.organisation_id,
                Person.department_id.in_(ids),
                Person.active.is_(True),
            )
            .order_by(Person.employee_no)
        )
    )


def suggested_sample(inspection: Inspection, people: Sequence[Person]) -> list[Person]:
    """A random sample to test, stable for the inspection (seeded by its id) so a reload keeps it."""
    if not people:
        return []
    size = min(len(people), max(SAMPLE_MIN, min(SAMPLE_MAX, math.ceil(len(people) * SAMPLE_SHARE))))
    ordered = sorted(people, key=lambda p: p.id)
    return sorted(random.Random(inspection.id).sample(ordered, size), key=lambda p: p.employee_no)


# --- finding a person: 工号, badge QR, certificate QR --------------------------------------------------------


def badge_path(person: Person) -> str:
    """What a worker's badge QR encodes (after the site's address): the inspection lookup of their 工号."""
    return f"/inspections/badge/{person.organisation_id}/{person.employee_no}"


def find_person(s: Session, inspection: Inspection, code: str) -> Person | None:
    """The person a typed 工号, a scanned badge URL or a scanned certificate URL/token points at, if they
    belong to the inspected organisation."""
    code = (code or "").strip()
    if not code:
        return None
    org_id, employee_no = inspection.organisation_id, code
    m = BADGE_PATH.search(code)
    if m:
        org_id, employee_no = int(m.group(1)), unquote(m.group(2))
    elif "/" in code or "?" in code or len(code) > 60:
        person = _person_from_certificate(s, code)
        if person is not None:
            return person if person.organisation_id == inspection.organisation_id else None
        query = parse_qs(urlsplit(code).query)
        employee_no = (query.get("emp") or query.get("employee_no") or [""])[0]
    if org_id != inspection.organisation_id or not employee_no:
        return None
    person = person_by_employee_no(s, org_id, employee_no)
    if person is None and not m and "/" not in code:
        person = _person_by_name(s, org_id, code)
    return person


def _person_by_name(s: Session, org_id: int, name: str) -> Person | None:
    """The one active person of that exact name in the organisation (a namesake makes it ambiguous: None)."""
    for match in (Person.name == name, Person.name.contains(name, autoescape=True)):
        rows = s.scalars(
            select(Person).where(Person.organisation_id == org_id, match, Person.active.is_(True)).limit(2)
        ).all()
        if rows:
            return rows[0] if len(rows) == 1 else None
    return None


def _person_from_certificate(s: Session, text: str) -> Person | None:
    """A certificate QR (verify URL or token): the holder, when the certificates area knows the token."""
    try:
        from webapp.certs import service as certs
    except ImportError:
        return None
    try:
        return certs.find_by_token(s, text).person
    except ApiError:
        return None


# --- spot tests ----------------------------------------------------------------------------------------------


def spot_tests(s: Session, inspection: Inspection) -> list[Attempt]:
    return list(
        s.scalars(
            select(Attempt)
            .where(Attempt.inspection_id == inspection.id, Attempt.kind.in_(("spot", VOIDED)))
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def check_pin(person: Person, pin: str) -> None:
    """The worker confirms with their PIN; failures count in the shared login throttle (per 工号)."""
    keys = throttle_keys("pin", pin_key(person.organisation_id, person.employee_no))
    try:
        check_throttle(keys)
    except Throttled as e:
        raise ApiError(
            429, "throttled", e.message.replace("登录", "PIN 验证"), retry_after=e.retry_after
        ) from None
    if not check_secret(person.pin_hash, str(pin or ""), pin=True):
        record_failure(keys)
        raise ApiError(403, "wrong_pin", WRONG_PIN.replace("工号或 ", ""))
    clear_failures(keys)


def spot_post(s: Session, person: Person, post_code: str | None) -> Post:
    posts = standing_service.posts_of(s, [person.id])[person.id]
    if not posts:
        raise ApiError(409, "no_post", f"{person.name} 没有登记岗位，无法抽考。")
    if not post_code:
        return posts[0]
    post = next((p for p in posts if p.code == post_code), None)
    if post is None:
        raise ApiError(400, "not_their_post", f"{person.name} 不在岗位 {post_code!r} 上。")
    return post


def running_test(s: Session, inspection: Inspection, person: Person, now: datetime) -> Attempt | None:
    """The person's spot test of this inspection still being answered (one past its deadline is graded)."""
    for attempt in spot_tests(s, inspection):
        if attempt.person_id != person.id or attempt.is_submitted:
            continue
        if not exam_service.finalize_if_expired(s, attempt, now):
            return attempt
    return None


def refuse_second_running_test(
    s: Session, inspection: Inspection, person: Person, post: Post, now: datetime
) -> None:
    """One spot test at a time per person: another post's test must be handed in or voided first."""
    running = running_test(s, inspection, person, now)
    if running is not None and running.post_id != post.id:
        raise ApiError(
            409,
            "spot_test_running",
            f"{person.name} 的{running.post.name}抽考正在作答中，请先交卷或作废后再开始新的抽考。",
        )


def draw_spot_test(
    s: Session,
    inspection: Inspection,
    person: Person,
    *,
    pin: str,
    post_code: str | None,
    inspector: User,
    now: datetime,
) -> Attempt:
    """Check the worker's PIN and draw their post's spot paper (or resume the one they are sitting). Its
    one caller is `webapp.inspections.kiosk.start_spot_test`, which also locks the session to it."""
    if not inspection.is_open:
        raise InspectionClosed()
    if person.organisation_id != inspection.organisation_id or not person.active:
        raise ApiError(404, "not_found", "没有找到该人员")
    post = spot_post(s, person, post_code)
    refuse_second_running_test(s, inspection, person, post, now)
    check_pin(person, pin)
    for attempt in spot_tests(s, inspection):
        same = attempt.person_id == person.id and attempt.post_id == post.id
        if same and not attempt.is_submitted and not exam_service.finalize_if_expired(s, attempt, now):
            return attempt
    return exam_service.start_spot_attempt(
        s, person, post, now, started_by=inspector.id, inspection_id=inspection.id
    )


def void_reasons(s: Session, inspection: Inspection) -> dict[int, str]:
    """The reason each voided spot test of the inspection was voided for, by attempt id."""
    entries = s.scalars(
        select(AuditEntry).where(
            AuditEntry.organisation_id == inspection.organisation_id, AuditEntry.action == VOID_ACTION
        )
    )
    out = {}
    for e in entries:
        if e.data.get("inspection_id") == inspection.id and e.target.startswith("attempt:"):
            out[int(e.target.split(":", 1)[1])] = e.data.get("reason", "")
    return out


# --- 三违 -----------------------------------------------------------------------------------------------------


def record_finding(
    s: Session,
    inspection: Inspection,
    person: Person,
    *,
    category: str,
    note: str,
    post_code: str | None,
    by: User,
    today: date,
    now: datetime,
    confirmed: bool = False,
) -> Finding:
    """Record a 三违 against the inspection and append the `violation_recorded` event (off the post until
    off-duty retraining and an exam). It takes the worker off the post at once, so the inspector must have
    confirmed it (`confirmed`); without, nothing is recorded and the answer says what it would do."""
    if not inspection.is_open:
        raise InspectionClosed()
    if person.organisation_id != inspection.organisation_id:
        raise ApiError(404, "not_found", "没有找到该人员")
    if category not in rules.VIOLATION_CATEGORIES:
        raise ApiError(400, "bad_category", f"三违类别必须是：{'、'.join(rules.VIOLATION_CATEGORIES)}")
    note = (note or "").strip()
    if not note:
        raise ApiError(400, "note_required", "请填写三违情况说明。")
    if post_code:
        spot_post(s, person, post_code)
    if not confirmed:
        raise ApiError(409, "confirmation_required", confirmation_text(person))
    event = rules.ViolationRecorded(
        on=today, category=category, note=note[:500], by=by.display_name, post=post_code or None
    )  # type: ignore[arg-type]
    row = standing_service.record_event(s, person, event, recorded_by=by.id)
    finding = Finding(
        organisation_id=inspection.organisation_id,
        inspection_id=inspection.id,
        person_id=person.id,
        post_code=post_code or None,
        category=category,
        note=note[:2000],
        recorded_at=now,
        recorded_by=by.id,
        event_id=row.id,
    )
    s.add(finding)
    s.flush()
    _audit_if_outside(
        s,
        inspection,
        by,
        "outside_finding_recorded",
        f"{person.name}（{person.employee_no}）",
        now,
        category=category,
    )
    return finding


def confirmation_text(person: Person) -> str:
    return (
        f"记录三违后，{person.name}（{person.employee_no}）将立即停岗、证书暂停，须脱产培训并考试合格后方可返岗。"
        "请确认后再提交。"
    )


def findings(s: Session, inspection: Inspection) -> list[Finding]:
    return list(s.scalars(select(Finding).where(Finding.inspection_id == inspection.id).order_by(Finding.id)))


# --- closing and the report ----------------------------------------------------------------------------------


def close_inspection(s: Session, inspection: Inspection, now: datetime) -> None:
    """Close; a spot test past its deadline is graded as saved; one still running must be handed in first."""
    if not inspection.is_open:
        return
    running = []
    for attempt in spot_tests(s, inspection):
        if not attempt.is_submitted and not exam_service.finalize_if_expired(s, attempt, now):
            running.append(attempt.person.name)
    if running:
        raise ApiError(
            409,
            "spot_test_running",
            f"{'、'.join(running)} 的抽考尚未交卷：请让其交卷，或作废该抽考（须填写原因），然后再结束检查。",
        )
    inspection.closed_at = now
    s.flush()
