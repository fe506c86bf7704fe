"""The validity and review terms of the external certificates a special post needs, as data.

Two different documents (DESIGN §3):
- 特种作业操作证 (应急管理部门): until 2026-05-31 under 原国家安全监管总局令第30号 — valid 6 years, reviewed
  every 3, the review applied for within the 60 days before it falls due. From 2026-06-01 under
  应急管理部令第19号; its validity and review terms were NOT confirmed (question_sets/
  SPECIAL_OPERATIONS_RULES.md), so no term is assumed: the expiry printed on the certificate is the
  authority, and an organisation may enter a validity or review interval in its policy.
  A certificate is judged by the terms of the rule it was issued under.
- 特种设备作业人员证 (市场监管部门, TSG Z6001-2019): valid 4 years, renewal applied for at least one month
  before expiry.

The post's category (`Post.certificate`) says which document it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from quizbank.rules.policy import Policy
from quizbank.rules.standing_values import add_months, add_years

Document = Literal["special_operation", "special_equipment"]
Regime = Literal["mem30", "mem19", "tsg_z6001"]

DOCUMENTS: dict[str, str] = {
    "special_operation": "特种作业操作证",
    "special_equipment": "特种设备作业人员证",
}
CATEGORY_NAMES: dict[str, str] = {
    "special_operation": "特种作业",
    "special_equipment": "特种设备作业",
}
REGIMES: dict[str, str] = {
    "mem30": "原国家安全监管总局令第30号",
    "mem19": "应急管理部令第19号",
    "tsg_z6001": "TSG Z6001-2019《特种设备作业人员考核规则》",
}
MEM19_IN_FORCE = date(2026, 6, 1)  # 应急管理部令第19号 replaces 30号令 from this day


@dataclass(frozen=True)
class CertificateTerms:
    """The terms one certificate is held to. None: no default (the certificate's own dates decide)."""

    document: Document
    regime: Regime
    validity_years: int | None
    review_years: int | None  # periodic 复审 within the validity; None: none by default
    apply_before_days: int | None  # the review/renewal is applied for this long before it falls due
    apply_before_months: int | None
    note: str  # what the verify page and the reminders say about the terms

    @property
    def document_name(self) -> str:
        return DOCUMENTS[self.document]

    @property
    def basis(self) -> str:
        return REGIMES[self.regime]


def regime_for(document: str, issued: date) -> Regime:
    """The rule a certificate was issued under, from its document and issue date."""
    if document == "special_equipment":
        return "tsg_z6001"
    return "mem30" if issued < MEM19_IN_FORCE else "mem19"


def terms_for(document: str, issued: date, policy: Policy, regime: str | None = None) -> CertificateTerms:
    """The terms of `document` issued on `issued` (or under the `regime` recorded with it)."""
    if document not in DOCUMENTS:
        raise ValueError(f"unknown certificate document {document!r} (known: {', '.join(DOCUMENTS)})")
    regime = regime or regime_for(document, issued)
    if regime == "tsg_z6001":
        months = policy.equipment_cert_renewal_months_before
        return CertificateTerms(
            "special_equipment",
            "tsg_z6001",
            policy.equipment_cert_validity_years,
            None,
            None,
            months,
            f"有效期 {policy.equipment_cert_validity_years} 年，期满前 {months} 个月提出复审申请"
            "（TSG Z6001-2019）",
        )
    if regime == "mem30":
        return CertificateTerms(
            "special_operation",
            "mem30",
            policy.special_cert_validity_years,
            policy.special_cert_review_years,
            policy.special_cert_review_window_days,
            None,
            f"按原30号令：有效期 {policy.special_cert_validity_years} 年，每 {policy.special_cert_review_years} 年复审，"
            f"期满前 {policy.special_cert_review_window_days} 日内申请复审",
        )
    if regime == "mem19":
        validity = policy.special_cert_new_validity_years or None
        review = policy.special_cert_new_review_years or None
        return CertificateTerms(
            "special_operation",
            "mem19",
            validity,
            review,
            None,
            None,
            "按应急管理部令第19号发证：有效期以证书所载为准，复审/换证要求以发证机关规定为准",
        )
    raise ValueError(f"unknown regime {regime!r} (known: {', '.join(REGIMES)})")


@dataclass(frozen=True)
class DueDates:
    regime: Regime
    review_due: date  # equals `expires` when there is no periodic review
    expires: date


def due_dates(
    terms: CertificateTerms, issued: date, *, review_due: date | None = None, expires: date | None = None
) -> DueDates:
    """The certificate's review and expiry dates: the printed ones when given, else the terms'.
    ValueError when the terms have no validity and none was given (19号令: enter the printed expiry)."""
    if expires is None:
        if terms.validity_years is None:
            raise ValueError(f"{terms.document_name}（{terms.basis}）须填写证书所载有效期")
        expires = add_years(issued, terms.validity_years)
    if review_due is None:
        review_due = add_years(issued, terms.review_years) if terms.review_years else expires
    return DueDates(terms.regime, min(review_due, expires), expires)


def apply_by(terms: CertificateTerms, due: date) -> date:
    """The first day the review/renewal falling due on `due` may (30号令) or must (TSG) be applied for."""
    if terms.apply_before_months:
        return add_months(due, -terms.apply_before_months)
    if terms.apply_before_days:
        return due - timedelta(days=terms.apply_before_days)
    return due
