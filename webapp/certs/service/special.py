"""External certificates on file — 特种作业操作证 and 特种设备作业人员证, each under the terms of the rule it was
issued under (quizbank.rules.external_certs) — recording them and when they fall due."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import rules
from quizbank.certificates.templates import add_months
from webapp.certs.models import SpecialCertificate
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.org.models import Organisation, Person
from webapp.standing.service import record_event

SPECIAL_KINDS = (  # 特种作业类别（操作项目）: suggestions on the form; any text is accepted
    "低压电工作业",
    "高压电工作业",
    "熔化焊接与热切割作业",
    "压力焊作业",
    "登高架设作业",
    "高处安装、维护、拆除作业",
    "制冷与空调设备运行操作作业",
    "危险化学品安全作业",
    "有限空间作业",
    "场（厂）内专用机动车辆作业（叉车）",
)


def record_special(
    s: Session,
    person: Person,
    *,
    number: str,
    kind: str,
    issued: date,
    review_due: date | None,
    expires: date | None,
    post_code: str | None,
    recorded_by: int | None,
    on: date,
    document: str = "special_operation",
) -> SpecialCertificate:
    """Record (or re-record after a review/renewal) an external certificate: a `special_certificate_recorded`
    event and the row for listing. Missing dates follow the terms of the rule it was issued under (原30号令:
    review 3 years, valid 6; 19号令: the printed expiry is required; 特种设备: valid 4 years)."""
    number, kind = " ".join(number.split()), " ".join(kind.split())
    if not number:
        raise ApiError(400, "number_required", "请填写操作证号。")
    if not kind:
        raise ApiError(400, "kind_required", "请填写作业类别。")
    if issued > on:
        raise ApiError(400, "issued_in_future", "发证日期不能晚于今天。")
    from webapp.standing.service import policy_of

    policy = policy_of(s.get(Organisation, person.organisation_id))
    if document not in rules.DOCUMENTS:
        raise ApiError(400, "bad_document", f"证件种类只能是：{'、'.join(rules.DOCUMENTS.values())}。")
    terms = rules.terms_for(document, issued, policy)
    if (review_due and review_due < issued) or (expires and expires < issued):
        raise ApiError(400, "bad_dates", "复审日期和有效期至不能早于发证日期。")
    try:
        dates = rules.due_dates(terms, issued, review_due=review_due, expires=expires)
    except ValueError as e:
        raise ApiError(400, "expires_required", f"有效期至：{e}。") from None
    review_due, expires = dates.review_due, dates.expires
    event = record_event(
        s,
        person,
        rules.SpecialCertificateRecorded(
            on=on,
            number=number,
            kind=kind,
            issued=issued,
            review_due=review_due,
            expires=expires,
            post=post_code,
            document=document,
            regime=dates.regime,
        ),
        recorded_by=recorded_by,
    )
    row = s.scalar(
        select(SpecialCertificate).where(
            SpecialCertificate.person_id == person.id, SpecialCertificate.number == number
        )
    )
    if row is None:
        row = SpecialCertificate(organisation_id=person.organisation_id, person_id=person.id, number=number)
        s.add(row)
    row.document, row.regime = document, dates.regime
    row.kind, row.post_code, row.issued_on, row.review_due, row.expires_on = (
        kind,
        post_code,
        issued,
        review_due,
        expires,
    )
    row.recorded_at, row.recorded_by, row.event_id = clock.now(), recorded_by, event.id
    s.flush()
    return row


def special_json(due: SpecialDue) -> dict[str, Any]:
    row = due.row
    return {
        "person_id": row.person_id,
        "holder": row.person.name,
        "employee_no": row.person.employee_no,
        "number": row.number,
        "document": row.document,
        "document_name": rules.DOCUMENTS.get(row.document, row.document),
        "regime": row.regime,
        "kind": row.kind,
        "post": row.post_code,
        "issued": row.issued_on.isoformat(),
        "review_due": row.review_due.isoformat(),
        "expires": row.expires_on.isoformat(),
        "next": due.what,
        "next_name": due.what_name,
        "due": due.due.isoformat(),
        "days_left": due.days,
    }


def terms_note(row: SpecialCertificate, policy: rules.Policy) -> str:
    """What the verify page and reminders say about the terms this certificate is held to."""
    return rules.terms_for(row.document, row.issued_on, policy, row.regime).note


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


@dataclass(frozen=True)
class SpecialDue:
    row: SpecialCertificate
    what: str  # review | expiry | renewal (特种设备: apply before the deadline) | review_overdue | expired
    due: date
    days: int  # days left (negative: overdue)

    @property
    def what_name(self) -> str:
        return {
            "review": "待复审",
            "expiry": "将到期",
            "renewal": "待申请复审",
            "review_overdue": "逾期未复审",
            "expired": "已过期",
        }[self.what]

    @property
    def tone(self) -> str:
        return "bad" if self.days < 0 else "warn"


def special_status(row: SpecialCertificate, today: date, policy: rules.Policy | None = None) -> SpecialDue:
    """What is next for this certificate: the earlier of its review and its expiry; for a 特种设备作业人员证
    the last day to apply for its renewal (TSG Z6001-2019: at least a month before expiry)."""
    if row.expires_on < today:
        return SpecialDue(row, "expired", row.expires_on, (row.expires_on - today).days)
    if row.document == "special_equipment":
        terms = rules.terms_for(row.document, row.issued_on, policy or rules.DEFAULT_POLICY, row.regime)
        apply_by = rules.apply_by(terms, row.expires_on)
        return SpecialDue(row, "renewal", apply_by, (apply_by - today).days)
    if row.review_due < today:
        return SpecialDue(row, "review_overdue", row.review_due, (row.review_due - today).days)
    if row.review_due < row.expires_on:
        return SpecialDue(row, "review", row.review_due, (row.review_due - today).days)
    return SpecialDue(row, "expiry", row.expires_on, (row.expires_on - today).days)


def specials_due(
    s: Session, org_ids: Iterable[int], within_days: int, today: date | None = None
) -> list[SpecialDue]:
    """特种作业操作证 due for review or expiring within `within_days` (overdue ones first)."""
    today = today or clock.today()
    limit = today + timedelta(days=within_days)
    rows = s.scalars(
        select(SpecialCertificate).where(
            SpecialCertificate.organisation_id.in_(list(org_ids)),
            # renewals of 特种设备 certificates fall due months before their expiry
            (SpecialCertificate.review_due <= limit)
            | (SpecialCertificate.expires_on <= limit + timedelta(days=370)),
        )
    )
    dues = (special_status(r, today) for r in rows)
    return sorted((d for d in dues if d.due <= limit), key=lambda d: (d.due, d.row.number))


def specials_of(s: Session, person: Person) -> list[SpecialCertificate]:
    return list(
        s.scalars(
            select(SpecialCertificate)
            .where(SpecialCertificate.person_id == person.id)
            .order_by(SpecialCertificate.expires_on.desc())
        )
    )
