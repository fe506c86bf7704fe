"""The values a standing is made of (Status, Owed, Case, CertificateState, Standing…), their Chinese names,
and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal


class Status(StrEnum):
    UNTRAINED = "untrained"
    PRE_JOB_TRAINING = "pre_job_training"
    QUALIFIED = "qualified"
    MAKEUP_DUE = "makeup_due"
    OFFDUTY_RETRAINING = "offduty_retraining"
    SUSPENDED_VIOLATION = "suspended_violation"
    NEEDS_REFRESHER = "needs_refresher"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_REVOKED = "certificate_revoked"
    CERTIFICATE_SUSPENDED = "certificate_suspended"
    SPECIAL_CERT_MISSING = "special_cert_missing"
    SPECIAL_CERT_EXPIRED = "special_cert_expired"
    SPECIAL_CERT_REVIEW_OVERDUE = "special_cert_review_overdue"
    ANNUAL_TRAINING_OVERDUE = "annual_training_overdue"


STATUS_NAMES: dict[str, str] = {
    Status.UNTRAINED: "未培训",
    Status.PRE_JOB_TRAINING: "岗前培训中",
    Status.QUALIFIED: "合格在岗",
    Status.MAKEUP_DUE: "待补考",
    Status.OFFDUTY_RETRAINING: "脱产复训中",
    Status.SUSPENDED_VIOLATION: "三违停岗",
    Status.NEEDS_REFRESHER: "需车间级、班组级培训",
    Status.CERTIFICATE_EXPIRED: "合格证已过期",
    Status.CERTIFICATE_REVOKED: "合格证已吊销",
    Status.CERTIFICATE_SUSPENDED: "合格证已暂停",
    Status.SPECIAL_CERT_MISSING: "缺特种作业操作证",
    Status.SPECIAL_CERT_EXPIRED: "特种作业操作证已过期",
    Status.SPECIAL_CERT_REVIEW_OVERDUE: "特种作业操作证逾期未复审",
    Status.ANNUAL_TRAINING_OVERDUE: "年度再培训学时不足",
}

OwedKind = Literal[
    "prejob_training",
    "qualification_exam",
    "workshop_team_training",
    "makeup_exam",
    "offduty_training",
    "retraining_exam",
    "annual_training",
    "certificate_renewal",
    "special_cert",
    "special_cert_review",
]
CaseKind = Literal["prejob", "transfer", "refresher", "makeup", "offduty", "violation"]
CertificateStatus = Literal["valid", "expiring", "suspended", "revoked", "expired"]
CERTIFICATE_STATUS_NAMES: dict[str, str] = {
    "valid": "有效",
    "expiring": "即将到期",
    "suspended": "暂停",
    "revoked": "已吊销",
    "expired": "已过期",
}

PREJOB_LEVELS = ("factory", "workshop", "team")
REFRESHER_LEVELS = ("workshop", "team")


@dataclass(frozen=True)
class Owed:
    """Something the person owes: an exam, training hours, a certificate."""

    kind: OwedKind
    description: str
    deadline: date | None = None
    hours_remaining: float | None = None


@dataclass(frozen=True)
class Case:
    """An obligation opened by an event: what it asks, and how and when it was closed."""

    kind: CaseKind
    opened: date
    reason: str
    closed: date | None = None
    outcome: Literal["passed", "failed", "missed", "completed", "superseded"] | None = None
    deadline: date | None = None
    hours_required: float | None = None
    hours_done: float = 0.0
    hours_by_level: tuple[tuple[str, float], ...] = ()

    @property
    def is_open(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class CertificateState:
    serial: str
    post: str
    kind: str
    issued: date
    expires: date
    status: CertificateStatus
    reason: str | None = None


@dataclass(frozen=True)
class SpecialCertificateState:
    number: str
    kind: str
    issued: date
    review_due: date
    expires: date
    status: Literal["valid", "review_overdue", "expired"]
    document: str = "special_operation"  # or "special_equipment"
    regime: str = "mem30"  # the rule it was issued under (quizbank.rules.external_certs.REGIMES)


@dataclass(frozen=True)
class Standing:
    post: str
    on: date
    may_work: bool
    status: Status
    reasons: tuple[str, ...]
    owed: tuple[Owed, ...]
    certificate_serial: str | None = None
    certificate_status: CertificateStatus | None = None
    certificate_reason: str | None = None
    certificate_expires: date | None = None
    certificates: tuple[CertificateState, ...] = ()
    special_certificate: SpecialCertificateState | None = None
    qualified_on: date | None = None
    cases: tuple[Case, ...] = ()

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def open_cases(self) -> tuple[Case, ...]:
        return tuple(c for c in self.cases if c.is_open)


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def add_months(d: date, months: int) -> date:
    """`d` moved by whole months (negative: back), the day clipped to the month's last."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def hours_text(hours: float) -> str:
    return f"{hours:g}"


def standing_to_dict(s: Standing) -> dict:
    """JSON-ready standing (dates ISO): what `GET /api/v1/people/{id}/standing` returns."""

    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "post": s.post,
        "on": s.on.isoformat(),
        "may_work": s.may_work,
        "status": str(s.status),
        "status_name": s.status_name,
        "reasons": list(s.reasons),
        "owed": [
            {
                "kind": o.kind,
                "description": o.description,
                "deadline": iso(o.deadline),
                "hours_remaining": o.hours_remaining,
            }
            for o in s.owed
        ],
        "certificate": {
            "serial": s.certificate_serial,
            "status": s.certificate_status,
            "reason": s.certificate_reason,
            "expires": iso(s.certificate_expires),
        }
        if s.certificate_serial
        else None,
        "certificates": [
            {
                "serial": c.serial,
                "post": c.post,
                "kind": c.kind,
                "issued": iso(c.issued),
                "expires": iso(c.expires),
                "status": c.status,
                "status_name": CERTIFICATE_STATUS_NAMES[c.status],
                "reason": c.reason,
            }
            for c in s.certificates
        ],
        "special_certificate": {
            "number": s.special_certificate.number,
            "kind": s.special_certificate.kind,
            "issued": iso(s.special_certificate.issued),
            "review_due": iso(s.special_certificate.review_due),
            "expires": iso(s.special_certificate.expires),
            "status": s.special_certificate.status,
            "document": s.special_certificate.document,
            "regime": s.special_certificate.regime,
        }
        if s.special_certificate
        else None,
        "qualified_on": iso(s.qualified_on),
    }
